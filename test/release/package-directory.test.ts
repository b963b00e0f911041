/**
 * readPackageDirectory must list exactly what `npm pack` would publish. The oracle is npm itself:
 * each fixture is a real directory, and the gate's list (paths, sizes, modes) must equal
 * `npm pack --dry-run --json --ignore-scripts` run in the same directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import fc from 'fast-check';
import { Minimatch } from 'minimatch';
import packlist from 'npm-packlist';
import type { PacklistNode } from 'npm-packlist';
import { readPackageDirectory } from '../../src/release/package-directory.ts';
import { withLiteralPrefilter } from '../../src/release/packlist-walker.ts';
import { ReleaseInputError } from '../../src/release/errors.ts';

const run = promisify(execFile);

/** A fixture file: text, or text with a mode, or a symlink to a relative target. */
type Entry = string | { readonly text: string; readonly mode: number } | { readonly link: string };

async function makePackage(files: Readonly<Record<string, Entry>>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ward-pkgdir-'));
  for (const [file, entry] of Object.entries(files)) {
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    if (typeof entry === 'string') await writeFile(target, entry);
    else if ('link' in entry) await symlink(entry.link, target);
    else {
      await writeFile(target, entry.text);
      await chmod(target, entry.mode);
    }
  }
  return dir;
}

const packOutput = z.array(
  z.object({ files: z.array(z.object({ path: z.string(), size: z.number(), mode: z.number() })) }),
);

interface Listed {
  readonly path: string;
  readonly size: number;
  readonly mode: number;
}

async function npmPackList(dir: string): Promise<Listed[]> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: dir,
    env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' },
  });
  const [result] = packOutput.parse(JSON.parse(stdout));
  assert.ok(result, 'npm pack printed no result');
  return result.files.map((f) => ({ path: f.path, size: f.size, mode: f.mode })).sort(byPath);
}

function byPath(a: Listed, b: Listed): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

async function ours(dir: string): Promise<Listed[]> {
  const pkg = await readPackageDirectory(dir);
  return pkg.files.map((f) => ({ path: f.path, size: f.size, mode: f.mode }));
}

/** Compare with npm, and return the list so a test can also assert what a user would expect. */
async function assertSameAsNpm(files: Readonly<Record<string, Entry>>): Promise<string[]> {
  const dir = await makePackage(files);
  try {
    const expected = await npmPackList(dir);
    const actual = await ours(dir);
    assert.deepEqual(actual.map((f) => f.path), expected.map((f) => f.path), 'paths differ from npm pack');
    assert.deepEqual(actual, expected, 'sizes or modes differ from npm pack');
    return actual.map((f) => f.path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const manifest = (fields: Record<string, unknown>): string => JSON.stringify({ name: 'fixture', version: '1.0.0', ...fields }, null, 2);

test('no files field: everything but npm\'s always-excluded files', async () => {
  const list = await assertSameAsNpm({
    'package.json': manifest({}),
    'index.js': 'module.exports = 1;\n',
    'lib/a.js': 'a\n',
    'lib/deep/b.js': 'b\n',
    'test/a.test.js': 't\n',
    '@types/index.d.ts': 'export {};\n',
    '.git/config': '[core]\n',
    '.git/HEAD': 'ref: refs/heads/main\n',
    'node_modules/dep/index.js': 'dep\n',
    'node_modules/dep/package.json': '{"name":"dep","version":"1.0.0"}',
    '.DS_Store': 'x',
    'lib/.DS_Store': 'x',
    'npm-debug.log': 'log\n',
    '.npmrc': '//registry.npmjs.org/:_authToken=secret\n',
    'package-lock.json': '{}\n',
    '.env': 'KEY=1\n',
    '.hidden/file.txt': 'hidden\n',
    'lib/a.js.orig': 'orig\n',
    'lib/.a.js.swp': 'swap\n',
    'run.sh': { text: '#!/bin/sh\n', mode: 0o755 },
    'private.txt': { text: 'p\n', mode: 0o600 },
  });
  assert.ok(list.includes('@types/index.d.ts'), 'a directory starting with @ is listed under its own name');
  assert.ok(list.includes('.env'), 'npm publishes .env when nothing excludes it: the gate must see it');
  assert.ok(!list.some((f) => f.startsWith('.git/') || f.startsWith('node_modules/')));
  assert.ok(!list.includes('.npmrc') && !list.includes('npm-debug.log') && !list.includes('.DS_Store'));
});

test('files allowlist with directories, globs and a negation', async () => {
  const list = await assertSameAsNpm({
    'package.json': manifest({ files: ['lib', 'dist/*.js', 'types/**/*.d.ts', '!lib/internal'] }),
    'lib/a.js': 'a\n',
    'lib/sub/b.js': 'b\n',
    'lib/internal/secret.js': 'secret\n',
    'dist/index.js': 'i\n',
    'dist/index.js.map': '{}\n',
    'dist/nested/x.js': 'x\n',
    'types/a.d.ts': 'a\n',
    'types/deep/b.d.ts': 'b\n',
    'types/deep/c.ts': 'c\n',
    'src/index.ts': 's\n',
    'test/x.js': 't\n',
  });
  assert.ok(list.includes('lib/sub/b.js') && list.includes('dist/index.js') && list.includes('types/deep/b.d.ts'));
  assert.ok(!list.includes('src/index.ts') && !list.includes('dist/index.js.map'));
});

test('.npmignore decides when there is no files field', async () => {
  const list = await assertSameAsNpm({
    'package.json': manifest({}),
    '.npmignore': 'test/\n*.log\n!keep.log\nsrc\n',
    '.gitignore': 'dist/\n',
    'index.js': 'i\n',
    'dist/out.js': 'o\n',
    'test/a.js': 't\n',
    'debug.log': 'd\n',
    'keep.log': 'k\n',
    'src/a.ts': 's\n',
  });
  assert.ok(list.includes('dist/out.js'), '.gitignore is not used when .npmignore exists');
  assert.ok(!list.includes('test/a.js') && !list.includes('debug.log') && list.includes('keep.log'));
});

test('.gitignore is used when there is no .npmignore, nested ones too', async () => {
  const list = await assertSameAsNpm({
    'package.json': manifest({}),
    '.gitignore': 'coverage/\n*.tmp\n',
    'index.js': 'i\n',
    'coverage/lcov.info': 'c\n',
    'scratch.tmp': 't\n',
    'lib/.gitignore': 'generated.js\n',
    'lib/generated.js': 'g\n',
    'lib/kept.js': 'k\n',
  });
  assert.deepEqual(list, ['index.js', 'lib/kept.js', 'package.json']);
});

test('a files entry is still filtered by a nested .npmignore', async () => {
  const list = await assertSameAsNpm({
    'package.json': manifest({ files: ['lib'] }),
    '.npmignore': 'lib/\n',
    'lib/index.js': 'i\n',
    'lib/.npmignore': 'secret.js\nfixtures/\n',
    'lib/secret.js': 's\n',
    'lib/fixtures/f.json': '{}\n',
  });
  assert.ok(list.includes('lib/index.js'), 'a root .npmignore does not override files');
  assert.ok(!list.includes('lib/secret.js') && !list.includes('lib/fixtures/f.json'));
});

test('bin, main and README/LICENSE/CHANGELOG outside files, with published modes', async () => {
  const list = await assertSameAsNpm({
    'package.json': manifest({ files: ['lib/'], main: 'index.js', bin: { tool: 'bin/tool.js', top: './cli.js' } }),
    'lib/a.js': 'a\n',
    'index.js': 'main\n',
    'bin/tool.js': { text: '#!/usr/bin/env node\n', mode: 0o644 },
    'cli.js': { text: '#!/usr/bin/env node\n', mode: 0o600 },
    'README.md': 'readme\n',
    'LICENSE': 'license\n',
    'licence.txt': 'licence\n',
    'CHANGELOG.md': 'changes\n',
    'HISTORY.md': 'history\n',
    'other.js': 'o\n',
  });
  assert.ok(list.includes('bin/tool.js') && list.includes('cli.js') && list.includes('index.js') && list.includes('README.md'));
  assert.ok(!list.includes('other.js'));
});

test('a string bin and directories.bin are normalised as npm does', async () => {
  await assertSameAsNpm({
    'package.json': manifest({ files: ['lib'], bin: 'tool.js' }),
    'lib/a.js': 'a\n',
    'tool.js': { text: '#!/usr/bin/env node\n', mode: 0o644 },
  });
  await assertSameAsNpm({
    'package.json': manifest({ files: ['lib'], directories: { bin: './scripts' } }),
    'lib/a.js': 'a\n',
    'scripts/one.js': 'one\n',
    'scripts/sub/two.js': 'two\n',
    'scripts/.hidden.js': 'h\n',
  });
});

test('bundleDependencies: the bundled package, its own dependencies, not dev or peer ones', async () => {
  const list = await assertSameAsNpm({
    'package.json': manifest({
      dependencies: { bundled: '1.0.0', plain: '1.0.0' },
      devDependencies: { devonly: '1.0.0' },
      peerDependencies: { peer: '1.0.0' },
      bundleDependencies: ['bundled', 'devonly', 'peer', 'missing'],
    }),
    'index.js': 'i\n',
    'node_modules/bundled/package.json': JSON.stringify({ name: 'bundled', version: '1.0.0', dependencies: { nested: '*', hoisted: '*' }, files: ['index.js'] }),
    'node_modules/bundled/index.js': 'b\n',
    'node_modules/bundled/notes.md': 'not in its files\n',
    'node_modules/bundled/.npmignore': 'index.js\n',
    'node_modules/bundled/node_modules/nested/package.json': JSON.stringify({ name: 'nested', version: '1.0.0', dependencies: { bundled: '*' } }),
    'node_modules/bundled/node_modules/nested/n.js': 'n\n',
    'node_modules/hoisted/package.json': JSON.stringify({ name: 'hoisted', version: '1.0.0' }),
    'node_modules/hoisted/h.js': 'h\n',
    'node_modules/hoisted/.DS_Store': 'x',
    'node_modules/plain/package.json': JSON.stringify({ name: 'plain', version: '1.0.0' }),
    'node_modules/plain/p.js': 'p\n',
    'node_modules/devonly/package.json': JSON.stringify({ name: 'devonly', version: '1.0.0' }),
    'node_modules/peer/package.json': JSON.stringify({ name: 'peer', version: '1.0.0' }),
  });
  assert.ok(list.includes('node_modules/bundled/index.js'));
  assert.ok(list.includes('node_modules/bundled/node_modules/nested/n.js'), 'the bundled package\'s own dependency ships');
  assert.ok(list.includes('node_modules/hoisted/h.js'), 'a dependency resolved from a parent node_modules ships');
  assert.ok(!list.some((f) => f.startsWith('node_modules/plain/') || f.startsWith('node_modules/devonly/') || f.startsWith('node_modules/peer/')));
});

test('bundleDependencies: true bundles every dependency, scoped ones included', async () => {
  const list = await assertSameAsNpm({
    'package.json': manifest({ dependencies: { '@scope/a': '1.0.0' }, bundledDependencies: true }),
    'index.js': 'i\n',
    'node_modules/@scope/a/package.json': JSON.stringify({ name: '@scope/a', version: '1.0.0' }),
    'node_modules/@scope/a/a.js': 'a\n',
  });
  assert.ok(list.includes('node_modules/@scope/a/a.js'));
});

test('bundleDependencies: a linked package (npm applies its ignore files) and a dependency cycle', async () => {
  const list = await assertSameAsNpm({
    'package.json': manifest({ dependencies: { linked: '*', a: '*' }, bundleDependencies: ['linked', 'a'] }),
    'index.js': 'i\n',
    'packages/linked/package.json': JSON.stringify({ name: 'linked', version: '1.0.0' }),
    'packages/linked/l.js': 'l\n',
    'packages/linked/.npmignore': 'secret.txt\n',
    'packages/linked/secret.txt': 's\n',
    'node_modules/linked': { link: '../packages/linked' },
    'node_modules/a/package.json': JSON.stringify({ name: 'a', version: '1.0.0', dependencies: { b: '*' } }),
    'node_modules/a/a.js': 'a\n',
    'node_modules/b/package.json': JSON.stringify({ name: 'b', version: '1.0.0', dependencies: { a: '*' } }),
    'node_modules/b/b.js': 'b\n',
  });
  assert.ok(list.includes('node_modules/linked/l.js') && !list.includes('node_modules/linked/secret.txt'));
  assert.ok(list.includes('node_modules/a/a.js') && list.includes('node_modules/b/b.js'));
});

test('a workspace root lists its workspaces the way npm does', async () => {
  const list = await assertSameAsNpm({
    'package.json': manifest({ workspaces: ['packages/*'] }),
    'index.js': 'i\n',
    'packages/one/package.json': JSON.stringify({ name: 'one', version: '1.0.0', files: ['dist'] }),
    'packages/one/dist/a.js': 'a\n',
    'packages/one/src/a.ts': 'a\n',
    'packages/notes/readme.txt': 'not a workspace\n',
    // Under a workspace root npm reads a subdirectory's package.json as an ignore file: its
    // line `}` excludes the file named `}` (and only there).
    'lib/package.json': '{\n"name":\n"lib-data"\n}\n',
    'lib/}': 'excluded by the quirk\n',
    'lib/x.js': 'x\n',
  });
  assert.ok(!list.includes('lib/}') && list.includes('lib/x.js') && list.includes('packages/one/src/a.ts'));
});

test('a nested package.json is just a file: its files field does not apply', async () => {
  const list = await assertSameAsNpm({
    'package.json': manifest({}),
    'index.js': 'i\n',
    'sub/package.json': JSON.stringify({ name: 'sub', version: '1.0.0', files: ['only.js'] }),
    'sub/only.js': 'o\n',
    'sub/other.js': 'x\n',
  });
  assert.ok(list.includes('sub/other.js') && list.includes('sub/package.json'));
});

test('symlinks are not published, as npm pack does not follow them', async () => {
  const list = await assertSameAsNpm({
    'package.json': manifest({ files: ['lib', 'linked.js'] }),
    'lib/real.js': 'r\n',
    'lib/alias.js': { link: 'real.js' },
    'lib/dirlink': { link: '../outside' },
    'outside/secret.js': 's\n',
    'linked.js': { link: 'lib/real.js' },
  });
  assert.deepEqual(list, ['lib/real.js', 'package.json']);
});

test('files are sorted by path and read lazily from disk', async () => {
  const dir = await makePackage({ 'package.json': manifest({}), 'b.js': 'bee\n', 'a/z.js': 'zed\n', 'A.js': 'upper\n' });
  try {
    const pkg = await readPackageDirectory(dir);
    assert.equal(pkg.origin, 'directory');
    assert.equal(pkg.location, dir);
    assert.equal(pkg.manifest.name, 'fixture');
    assert.deepEqual(pkg.files.map((f) => f.path), ['A.js', 'a/z.js', 'b.js', 'package.json']);
    await writeFile(path.join(dir, 'b.js'), 'changed\n');
    assert.equal((await pkg.files.find((f) => f.path === 'b.js')!.read()).toString(), 'changed\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a directory without package.json, or with broken JSON, is an input error that says what to do', async () => {
  const dir = await makePackage({ 'index.js': 'i\n' });
  try {
    await assert.rejects(readPackageDirectory(dir), (error: unknown) => {
      assert.ok(error instanceof ReleaseInputError);
      assert.match(error.message, /package\.json not found/);
      return true;
    });
    await writeFile(path.join(dir, 'package.json'), '{"name": "x",');
    await assert.rejects(readPackageDirectory(dir), (error: unknown) => {
      assert.ok(error instanceof ReleaseInputError);
      assert.match(error.message, /package\.json is not valid JSON/);
      return true;
    });
    await writeFile(path.join(dir, 'package.json'), '{"version": "1.0.0"}');
    await assert.rejects(readPackageDirectory(dir), /"name" is missing/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('case-insensitive ignore rules and non-ASCII names match npm', async () => {
  const list = await assertSameAsNpm({
    'package.json': manifest({}),
    '.npmignore': 'Fixtures/\n*.TMP\nkelvin-\u212a.js\n',
    'index.js': 'i\n',
    'docs/.GIT/config': 'c\n',
    '.DS_STORE': 'x',
    'NPM-DEBUG.LOG': 'l\n',
    'fixtures/a.json': '{}\n',
    'scratch.tmp': 't\n',
    'kelvin-k.js': 'k\n',
    'kelvin-\u212a.js': 'K\n',
    'caf\u00e9/\u017f.js': 'long s\n',
    'lib/Readme.ORIG': 'o\n',
  });
  assert.ok(list.includes('caf\u00e9/\u017f.js'));
  assert.ok(!list.includes('fixtures/a.json') && !list.includes('scratch.tmp'));
});

test('the literal pre-check never changes a minimatch answer', () => {
  // ignore-walk's options for every ignore rule.
  const options = { matchBase: true, dot: true, flipNegate: true, nocase: true };
  const patternPiece = fc.constantFrom('a', 'A', 'b', '.', '*', '?', '/', '**', '[a-b]', '[[:alpha:]]', '{a,b}', '!', '\\*', '+(a)', '@(b|c)', 'git', 'GIT', 'k', 'I', '.ext', '\u017f', '\u212a', '\u0130', '\u0131', '\u03c3', '\u03c2', '-', '$', '^', '#');
  const pathPiece = fc.constantFrom('a', 'A', 'b', '.', '/', '//', 'git', 'Git', '\u017f', 's', 'S', '\u212a', 'k', 'K', '\u03c3', '\u03a3', '\u03c2', '\u0130', '\u0131', 'i', '.EXT', '-', '$', '^', '#', '*');
  fc.assert(
    fc.property(
      fc.array(patternPiece, { minLength: 1, maxLength: 8 }).map((p) => p.join('')),
      fc.array(pathPiece, { minLength: 1, maxLength: 8 }).map((p) => p.join('')),
      fc.boolean(),
      (pattern, file, partial) => {
        // Some patterns make minimatch itself throw (an invalid `u` regex): nothing to compare.
        const outcome = (rule: () => Minimatch): boolean | 'throws' => {
          try {
            return rule().match(file, partial);
          } catch {
            return 'throws';
          }
        };
        const plain = outcome(() => new Minimatch(pattern, options));
        fc.pre(plain !== 'throws');
        assert.equal(outcome(() => withLiteralPrefilter(new Minimatch(pattern, options))), plain, `pattern ${pattern} on ${file}`);
      },
    ),
    { numRuns: 10000 },
  );
});

test('a deep tree with many rules lists the same files as npm-packlist itself', async () => {
  const files: Record<string, Entry> = {
    'package.json': manifest({ files: ['dist', '!dist/d1/inner/f1.js', 'types/**/*.d.ts', 'README*'] }),
    'README.markdown': 'r\n',
    'dist/.npmignore': '*.map\nd2/\n!keep.map\n',
    'types/a/b/c.d.ts': 'c\n',
  };
  for (let d = 0; d < 5; d++) {
    for (let f = 0; f < 5; f++) {
      files[`dist/d${d}/inner/f${f}.js`] = `${d}${f}\n`;
      files[`dist/d${d}/inner/f${f}.js.map`] = '{}\n';
      files[`dist/d${d}/.git/f${f}`] = 'g\n';
    }
  }
  files['dist/d3/keep.map'] = '{}\n';
  files['dist/d3/inner/.npmignore'] = 'f3*\n';
  const dir = await makePackage(files);
  try {
    const pkg = await readPackageDirectory(dir);
    const tree: PacklistNode = {
      path: dir,
      package: { name: 'fixture', files: ['dist', '!dist/d1/inner/f1.js', 'types/**/*.d.ts', 'README*'] },
      isProjectRoot: true,
      isLink: false,
      edgesOut: new Map(),
      get target(): PacklistNode {
        return tree;
      },
    };
    const reference = await packlist(tree, { path: dir });
    assert.deepEqual(pkg.files.map((f) => f.path), [...reference].sort());
    assert.ok(pkg.files.some((f) => f.path === 'dist/d3/keep.map'));
    assert.ok(!pkg.files.some((f) => f.path === 'dist/d1/inner/f1.js' || f.path.includes('/.git/') || f.path.startsWith('dist/d2/')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// npm-packlist 11 changed these two cases; npm 11 (the npm that publishes today) still bundles
// npm-packlist 10, which is why the gate pins 10: it must list what npm really publishes.
test('a file named in files ships even when a nested .npmignore excludes it', async () => {
  await assertSameAsNpm({
    'package.json': manifest({ files: ['sub/keep.js'] }),
    'sub/keep.js': 'k\n',
    'sub/.npmignore': 'keep.js\n',
  });
});

test('lockfiles other than package-lock.json and npm extension files are published', async () => {
  await assertSameAsNpm({
    'package.json': manifest({}),
    'npm-shrinkwrap.json': '{}\n',
    'bun.lock': 'x\n',
    '.npm-extension.mjs': 'export {};\n',
  });
});
