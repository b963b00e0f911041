import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { builtinAdvisoryList } from '../../src/release/advisories.ts';
import { checkLockfile } from '../../src/release/checks/lockfile.ts';
import { releaseCheckConfigSchema, type ReleaseCheckConfig } from '../../src/release/config-schema.ts';
import type { Finding } from '../../src/release/types.ts';

const execFileAsync = promisify(execFile);
const REGISTRY = 'https://registry.npmjs.org';
const INTEGRITY = 'sha512-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==';

type Entry = Record<string, unknown>;

/** A registry entry as npm 7+ writes it. */
function registryEntry(name: string, version: string, extra: Entry = {}): Entry {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return { version, resolved: `${REGISTRY}/${name}/-/${base}-${version}.tgz`, integrity: INTEGRITY, ...extra };
}

/** A lockfile v3 text, formatted like npm formats it. */
function lockfile(packages: Record<string, Entry>): string {
  return `${JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'app', version: '1.0.0' }, ...packages } }, null, 2)}\n`;
}

function config(overrides: Record<string, unknown> = {}): ReleaseCheckConfig {
  return releaseCheckConfigSchema.parse(overrides);
}

function check(text: string, cfg: ReleaseCheckConfig = config()): Finding[] {
  return checkLockfile('package-lock.json', text, cfg, builtinAdvisoryList());
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

test('a lockfile naming debug@4.4.2 is an error; debug@4.4.1 is clean', () => {
  const bad = lockfile({ 'node_modules/debug': registryEntry('debug', '4.4.2'), 'node_modules/ms': registryEntry('ms', '2.1.3') });
  const findings = check(bad);
  assert.equal(findings.length, 1);
  const [finding] = findings;
  assert.equal(finding?.rule, 'lockfile-advisory');
  assert.equal(finding?.severity, 'error');
  assert.equal(finding?.file, 'package-lock.json');
  assert.equal(finding?.line, lineOf(bad, '"node_modules/debug"'));
  assert.match(finding?.reason ?? '', /debug@4\.4\.2 .*known malicious release \(MAL-2025-46974\)/);
  assert.match(finding?.fix ?? '', /https:\/\/osv\.dev\/vulnerability\/MAL-2025-46974/);

  assert.deepEqual(check(lockfile({ 'node_modules/debug': registryEntry('debug', '4.4.1'), 'node_modules/ms': registryEntry('ms', '2.1.3') })), []);
});

test('advisories match nested, scoped and aliased installs by their real name', () => {
  const text = lockfile({
    'node_modules/wrap-ansi-cjs': { ...registryEntry('wrap-ansi', '9.0.1'), name: 'wrap-ansi' },
    'node_modules/@ctrl/tinycolor': registryEntry('@ctrl/tinycolor', '4.1.2'),
    'node_modules/cli/node_modules/chalk': registryEntry('chalk', '5.6.1'),
    'node_modules/chalk': registryEntry('chalk', '5.6.0'),
  });
  const reasons = check(text).map((finding) => `${finding.rule} ${finding.reason}`);
  assert.equal(reasons.length, 3);
  assert.ok(reasons.some((reason) => reason.includes('wrap-ansi@9.0.1 (at node_modules/wrap-ansi-cjs)')));
  assert.ok(reasons.some((reason) => reason.includes('@ctrl/tinycolor@4.1.2')));
  assert.ok(reasons.some((reason) => reason.includes('chalk@5.6.1 (at node_modules/cli/node_modules/chalk)')));
});

test('an entry without integrity is a warning; bundled, linked and checksummed entries are not', () => {
  const withoutIntegrity = { ...registryEntry('left-pad', '1.3.0') };
  delete withoutIntegrity['integrity'];
  const bad = lockfile({ 'node_modules/left-pad': withoutIntegrity });
  const findings = check(bad);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.rule, 'lockfile-missing-integrity');
  assert.equal(findings[0]?.severity, 'warning');
  assert.equal(findings[0]?.line, lineOf(bad, '"node_modules/left-pad"'));
  assert.match(findings[0]?.reason ?? '', /1 entry has no "integrity" checksum.*left-pad@1\.3\.0/);

  const clean = lockfile({
    'node_modules/left-pad': registryEntry('left-pad', '1.3.0'),
    'node_modules/tool': registryEntry('tool', '2.0.0'),
    // Bundled dependencies ship inside their parent's tarball and have no checksum of their own.
    'node_modules/tool/node_modules/helper': { version: '1.0.0', inBundle: true },
    'node_modules/workspace-a': { resolved: 'packages/workspace-a', link: true },
    'packages/workspace-a': { version: '0.1.0' },
  });
  assert.deepEqual(check(clean), []);
});

test('a package from a registry that is not allowed is a warning; allowed registries and yarn\'s mirror are clean', () => {
  const bad = lockfile({
    'node_modules/left-pad': { ...registryEntry('left-pad', '1.3.0'), resolved: 'https://npm.evil.example/left-pad/-/left-pad-1.3.0.tgz' },
    'node_modules/right-pad': { ...registryEntry('right-pad', '1.0.0'), resolved: 'https://npm.evil.example/right-pad/-/right-pad-1.0.0.tgz' },
  });
  const findings = check(bad);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.rule, 'lockfile-foreign-registry');
  assert.equal(findings[0]?.severity, 'warning');
  assert.match(findings[0]?.reason ?? '', /2 packages resolve to https:\/\/npm\.evil\.example.*left-pad@1\.3\.0, right-pad@1\.0\.0/);

  assert.deepEqual(check(bad, config({ allow: { registries: ['https://npm.evil.example'] } })), []);
  const yarn = lockfile({ 'node_modules/left-pad': { ...registryEntry('left-pad', '1.3.0'), resolved: 'https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz' } });
  assert.deepEqual(check(yarn), []);
  // A prefix must end at a path boundary: npmjs.org.evil.example is not npmjs.org.
  const lookalike = lockfile({ 'node_modules/x': { ...registryEntry('x', '1.0.0'), resolved: 'https://registry.npmjs.org.evil.example/x/-/x-1.0.0.tgz' } });
  assert.equal(check(lookalike)[0]?.rule, 'lockfile-foreign-registry');
});

test('a git dependency is a warning', () => {
  const bad = lockfile({ 'node_modules/thing': { version: '1.0.0', resolved: 'git+ssh://git@github.com/acme/thing.git#0123456789abcdef0123456789abcdef01234567' } });
  const findings = check(bad);
  assert.deepEqual(findings.map((finding) => [finding.rule, finding.severity]), [['lockfile-git-dependency', 'warning']]);
  assert.match(findings[0]?.reason ?? '', /thing .* installed from git/);
  assert.deepEqual(check(lockfile({ 'node_modules/thing': registryEntry('thing', '1.0.0') })), []);
});

test('a plain-http or unencrypted git source is an error', () => {
  const http = lockfile({ 'node_modules/left-pad': { ...registryEntry('left-pad', '1.3.0'), resolved: 'http://npm.internal.example/left-pad/-/left-pad-1.3.0.tgz' } });
  const findings = check(http);
  assert.deepEqual(findings.map((finding) => [finding.rule, finding.severity]), [['lockfile-http-dependency', 'error']]);
  assert.match(findings[0]?.reason ?? '', /unencrypted connection \(http:\/\/npm\.internal\.example/);
  const git = lockfile({ 'node_modules/thing': { version: '1.0.0', resolved: 'git://github.com/acme/thing.git#0123456789abcdef0123456789abcdef01234567' } });
  assert.equal(check(git)[0]?.rule, 'lockfile-http-dependency');
  assert.deepEqual(check(lockfile({ 'node_modules/left-pad': registryEntry('left-pad', '1.3.0') })), []);
  // npm rewrites registry.npmjs.org URLs to the configured (https) registry, so old http:// ones are fetched securely.
  const oldNpmUrl = lockfile({ 'node_modules/left-pad': { ...registryEntry('left-pad', '1.3.0'), resolved: 'http://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz' } });
  assert.deepEqual(check(oldNpmUrl), []);
});

test('a file dependency outside the project is a warning; workspaces and vendored tarballs are not', () => {
  const outside = lockfile({
    'node_modules/shared': { resolved: '../shared', link: true },
    'node_modules/vendor-pkg': { version: '1.0.0', resolved: 'file:../vendor-pkg-1.0.0.tgz', integrity: INTEGRITY },
  });
  const findings = check(outside);
  assert.deepEqual(findings.map((finding) => [finding.rule, finding.severity]), [
    ['lockfile-file-dependency', 'warning'],
    ['lockfile-file-dependency', 'warning'],
  ]);
  assert.match(findings[0]?.reason ?? '', /shared .*outside the project \(\.\.\/shared\)/);

  const inside = lockfile({
    'node_modules/a': { resolved: 'packages/a', link: true },
    'node_modules/vendor-pkg': { version: '1.0.0', resolved: 'file:vendor/vendor-pkg-1.0.0.tgz', integrity: INTEGRITY },
    'packages/a': { version: '1.0.0' },
  });
  assert.deepEqual(check(inside), []);
});

test('packages with install scripts are listed; with an allowlist, the others are a warning', () => {
  const text = lockfile({
    'node_modules/esbuild': registryEntry('esbuild', '0.28.2', { hasInstallScript: true }),
    'node_modules/evil-helper': registryEntry('evil-helper', '1.0.0', { hasInstallScript: true }),
    'node_modules/ms': registryEntry('ms', '2.1.3'),
  });
  const listed = check(text);
  assert.deepEqual(listed.map((finding) => [finding.rule, finding.severity]), [['lockfile-install-script', 'info']]);
  assert.match(listed[0]?.reason ?? '', /2 packages run an install script when installed: esbuild@0\.28\.2, evil-helper@1\.0\.0/);
  assert.equal(listed[0]?.line, lineOf(text, '"node_modules/esbuild"'));

  const gated = check(text, config({ allow: { installScripts: ['esbuild'] } }));
  assert.deepEqual(gated.map((finding) => [finding.rule, finding.severity]), [
    ['lockfile-install-script', 'warning'],
    ['lockfile-install-script', 'info'],
  ]);
  assert.match(gated[0]?.reason ?? '', /evil-helper@1\.0\.0/);
  assert.doesNotMatch(gated[0]?.reason ?? '', /esbuild/);

  assert.deepEqual(check(lockfile({ 'node_modules/ms': registryEntry('ms', '2.1.3') }), config({ allow: { installScripts: ['esbuild'] } })), []);
});

test('a lockfile that is not JSON or not an npm lockfile is unreadable, naming the problem', () => {
  const broken = check('{"lockfileVersion": 3, "packages": {');
  assert.deepEqual(broken.map((finding) => [finding.rule, finding.severity]), [['lockfile-unreadable', 'error']]);
  assert.match(broken[0]?.reason ?? '', /not valid JSON/);

  const wrongShape = check(JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/x': { version: 1 } } }));
  assert.equal(wrongShape[0]?.rule, 'lockfile-unreadable');
  assert.match(wrongShape[0]?.reason ?? '', /packages → node_modules\/x → version/);

  assert.equal(check(JSON.stringify({ name: 'app', version: '1.0.0' }))[0]?.rule, 'lockfile-unreadable');
  // npm accepts an empty shrinkwrap; so does the gate.
  assert.deepEqual(check('{}'), []);
});

test('a version 1 lockfile is read from its nested dependencies', () => {
  const v1 = `${JSON.stringify(
    {
      name: 'app',
      version: '1.0.0',
      lockfileVersion: 1,
      requires: true,
      dependencies: {
        cli: {
          version: '1.0.0',
          resolved: `${REGISTRY}/cli/-/cli-1.0.0.tgz`,
          integrity: INTEGRITY,
          requires: { debug: '^4.0.0' },
          dependencies: { debug: { version: '4.4.2', resolved: `${REGISTRY}/debug/-/debug-4.4.2.tgz`, integrity: INTEGRITY } },
        },
        debug: { version: '4.4.1', resolved: `${REGISTRY}/debug/-/debug-4.4.1.tgz`, integrity: INTEGRITY },
        thing: { version: 'github:acme/thing#0123456789abcdef0123456789abcdef01234567', from: 'github:acme/thing' },
        shared: { version: 'file:../shared' },
        // npm 4 and older wrote no integrity; npm 7+ takes it from the registry.
        'old-dep': { version: '1.0.0', resolved: 'http://registry.npmjs.org/old-dep/-/old-dep-1.0.0.tgz' },
      },
    },
    null,
    2,
  )}\n`;
  const findings = check(v1);
  assert.deepEqual(
    findings.map((finding) => [finding.rule, finding.line]),
    [
      // The nested debug@4.4.2, not the top-level 4.4.1 further down.
      ['lockfile-advisory', lineOf(v1, '"debug": {')],
      ['lockfile-git-dependency', lineOf(v1, '"thing": {')],
      ['lockfile-file-dependency', lineOf(v1, '"shared": {')],
      ['lockfile-missing-integrity', lineOf(v1, '"old-dep": {')],
    ],
  );
  assert.equal(findings[3]?.severity, 'info');
  assert.match(findings[0]?.reason ?? '', /debug@4\.4\.2 \(at node_modules\/cli\/node_modules\/debug\)/);
});

test('a lockfile written by npm for workspaces and a local directory dependency', async () => {
  const root = await mkdtemp(join(tmpdir(), 'ward-lockfile-'));
  try {
    const project = join(root, 'project');
    await mkdir(join(project, 'packages', 'a'), { recursive: true });
    await mkdir(join(root, 'outside'), { recursive: true });
    await writeFile(join(root, 'outside', 'package.json'), JSON.stringify({ name: 'outside', version: '1.0.0' }));
    await writeFile(join(project, 'packages', 'a', 'package.json'), JSON.stringify({ name: 'a', version: '1.0.0' }));
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'project', version: '1.0.0', workspaces: ['packages/*'], dependencies: { a: '*', outside: 'file:../outside' } }),
    );
    await execFileAsync('npm', ['install', '--package-lock-only', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: project });
    const text = await readFile(join(project, 'package-lock.json'), 'utf8');
    const findings = check(text);
    // The workspace link is the project's own code; the directory outside it is not.
    assert.deepEqual(findings.map((finding) => [finding.rule, finding.severity, finding.line]), [
      ['lockfile-file-dependency', 'warning', lineOf(text, '"node_modules/outside"')],
    ]);
    assert.match(findings[0]?.reason ?? '', /outside \(at node_modules\/outside\)/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
