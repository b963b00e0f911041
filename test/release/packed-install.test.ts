/**
 * ward's own release, the way a user gets it: `npm pack` of this repository holds only what
 * should ship, the tarball installs into an empty folder with no network (ward has no runtime
 * dependencies: everything is bundled into dist/), and the installed bin runs, including the
 * part that loads the bash grammar's WASM files, so a file missing from the package shows here.
 *
 * `npm pack --ignore-scripts`: the prepack script would run `npm run build`, which deletes and
 * rewrites dist/ while other test files run the built CLI in parallel. `npm test` builds dist/
 * before any test runs, so the tarball packs exactly that build.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { list } from 'tar';
import { z } from 'zod';
import { REPO_ROOT } from '../support/run-ward.ts';

const run = promisify(execFile);
const NODE_BIN_DIR = join(REPO_ROOT, 'node_modules', '.bin');

const packOutput = z.array(z.object({ filename: z.string(), version: z.string() })).length(1);

/** Published files allowed at the package root, and the folders whose whole content ships. */
const ROOT_FILES = new Set(['package.json', 'README.md', 'LICENSE']);
const FOLDERS = ['bin/', 'dist/'];

function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

test('the packed tarball ships only package.json, README.md, LICENSE, bin/ and dist/, installs offline, and its bin runs', async () => {
  assert.ok(existsSync(join(REPO_ROOT, 'dist', 'cli.js')), 'dist/ is built (npm test runs the build first; alone, run `npm run build`)');
  const dir = mkdtempSync(join(tmpdir(), 'ward-packed-'));
  // A private HOME and npm cache: the test neither reads the user's npm settings nor writes their cache.
  const env = {
    PATH: `${NODE_BIN_DIR}:${process.env.PATH ?? ''}`,
    HOME: dir,
    npm_config_cache: join(dir, 'npm-cache'),
    npm_config_update_notifier: 'false',
  };
  try {
    const pack = await run('npm', ['pack', '--pack-destination', dir, '--json', '--ignore-scripts'], { cwd: REPO_ROOT, env, maxBuffer: 16 * 1024 * 1024 });
    const [packed] = packOutput.parse(JSON.parse(pack.stdout));
    const pkg = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')));
    assert.equal(packed?.version, pkg.version);
    const tarball = join(dir, packed?.filename ?? '');

    const entries: string[] = [];
    await list({ file: tarball, onReadEntry: (entry) => void entries.push(entry.path) });
    assert.ok(entries.length > 0);
    const paths = entries.map((path) => {
      assert.ok(path.startsWith('package/'), `${path} is inside package/`);
      return path.slice('package/'.length);
    });
    const unexpected = paths.filter((path) => !ROOT_FILES.has(path) && !FOLDERS.some((folder) => path.startsWith(folder)));
    assert.deepEqual(unexpected, [], 'nothing outside the files allowlist ships (no src/, test/, bench/, docs/)');
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'bin/ward.js', 'dist/cli.js', 'dist/tree-sitter/tree-sitter.js', 'dist/tree-sitter/tree-sitter.wasm', 'dist/tree-sitter/tree-sitter-bash.wasm']) {
      assert.ok(paths.includes(needed), `${needed} ships`);
    }

    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'ward-install-probe', version: '1.0.0', private: true })}\n`);
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: app, env });
    const installed = join(app, 'node_modules', 'ward-agent');
    assert.deepEqual(readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.')), ['ward-agent'], 'ward installs no dependencies');
    assert.deepEqual(listFiles(installed).sort(), [...paths].sort(), 'the installed package is the tarball');

    // Maps ship (stack traces point at source lines) but never carry the source itself.
    const maps = paths.filter((path) => path.endsWith('.map'));
    assert.ok(maps.length > 0);
    for (const map of maps) {
      const parsed = z.object({ sourcesContent: z.array(z.string().nullable()).optional() }).parse(JSON.parse(readFileSync(join(installed, map), 'utf8')));
      assert.ok((parsed.sourcesContent ?? []).every((content) => content === null || content === ''), `${map} carries no source`);
    }

    const bin = join(app, 'node_modules', '.bin', 'ward');
    const version = await run(bin, ['--version'], { cwd: app, env });
    assert.equal(version.stdout.trim(), pkg.version);

    // Deciding on a shell command parses it with tree-sitter-bash, loaded from dist/tree-sitter/:
    // without those files this fails (the installed package has no @vscode/tree-sitter-wasm to fall back on).
    const project = join(dir, 'project');
    mkdirSync(project);
    const check = await run(bin, ['permissions', 'check', 'bash(ls $(rm -rf x))'], {
      cwd: project,
      env: { ...env, WARD_HOME: join(dir, 'ward-home'), NO_COLOR: '1', PWD: project },
    });
    assert.match(check.stdout, /^bash\(ls \$\(rm -rf x\)\): ask\n/);
    assert.match(check.stdout, /decided by: shell analysis/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
