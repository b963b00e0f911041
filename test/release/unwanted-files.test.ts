/**
 * Files that should not ship. npm's own packlist never packs .git/, .npmrc, .DS_Store or swap
 * files, so a package directory cannot show them; a tarball can (one packed by another tool, or
 * edited by hand). Each fixture is therefore packed into a real .tgz with node-tar, under
 * `package/` like npm's, and read back with readPackageTarballFile. Every leaking fixture has a
 * clean twin that must produce no error and no warning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { create } from 'tar';
import { checkUnwantedFiles } from '../../src/release/checks/unwanted-files.ts';
import { releaseCheckConfigSchema } from '../../src/release/config-schema.ts';
import { readPackageTarballFile } from '../../src/release/package-tarball.ts';
import type { Finding } from '../../src/release/types.ts';

const temporaryDirs: string[] = [];
test.after(async () => {
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

interface Manifest {
  readonly license?: string;
  readonly files?: readonly string[] | null;
}

/** Packs the files (plus package.json) into package/ of a .tgz and reads it back as the gate would. */
async function check(files: Readonly<Record<string, string>>, manifest: Manifest = {}, config: object = {}): Promise<Finding[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ward-unwanted-'));
  temporaryDirs.push(dir);
  const root = path.join(dir, 'package');
  const packageJson = {
    name: 'fixture',
    version: '1.0.0',
    license: manifest.license ?? 'MIT',
    ...(manifest.files === null ? {} : { files: manifest.files ?? ['dist/'] }),
  };
  const all: Record<string, string> = { 'package.json': JSON.stringify(packageJson), ...files };
  for (const [file, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  const tarball = path.join(dir, 'fixture-1.0.0.tgz');
  await create({ gzip: true, file: tarball, cwd: dir, portable: true }, Object.keys(all).map((file) => `package/${file}`));
  const pkg = await readPackageTarballFile(tarball);
  return checkUnwantedFiles({ pkg, config: releaseCheckConfigSchema.parse(config) });
}

function summary(findings: readonly Finding[]): string[][] {
  return findings.map((finding) => [finding.rule, finding.severity, finding.file ?? '']);
}

function blocking(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.severity !== 'info');
}

const CLEAN = { 'dist/index.js': 'export {};\n', 'README.md': '# fixture\n', 'LICENSE': 'MIT\n' };

test('the clean package: a files allowlist and only what users need', async () => {
  assert.deepEqual(await check(CLEAN), []);
});

test('private keys and credential files are errors; certificates are not', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const findings = await check({
    ...CLEAN,
    'dist/server.pem': privateKey,
    'dist/deploy.key': privateKey,
    'dist/id_rsa': privateKey,
    'dist/client.p12': 'binary-ish',
    'dist/.netrc': 'machine github.com login x password y\n',
    'dist/ca.pem': publicKey,
    'dist/id_rsa.pub': 'ssh-ed25519 AAAA fixture\n',
  });
  assert.deepEqual(summary(findings).sort(), [
    ['unwanted-file', 'error', 'dist/.netrc'],
    ['unwanted-file', 'error', 'dist/client.p12'],
    ['unwanted-file', 'error', 'dist/deploy.key'],
    ['unwanted-file', 'error', 'dist/id_rsa'],
    ['unwanted-file', 'error', 'dist/server.pem'],
  ]);
  assert.match(findings.find((finding) => finding.file === 'dist/server.pem')?.reason ?? '', /private key/);
});

test('a key under test fixtures is a warning that says it may be a throwaway', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const findings = await check({ ...CLEAN, 'test/fixtures/agent-key.pem': privateKey });
  const key = findings.find((finding) => finding.file === 'test/fixtures/agent-key.pem');
  assert.equal(key?.severity, 'warning');
  assert.match(key?.reason ?? '', /throwaway/);
});

test('.git/ contents are one finding for the directory: a warning when open source, an error when closed', async () => {
  const git = { ...CLEAN, '.git/config': '[remote "origin"]\n', '.git/HEAD': 'ref: refs/heads/main\n', '.git/objects/ab/cdef': 'x' };
  assert.deepEqual(summary(await check(git)), [['unwanted-file', 'warning', '.git/']]);
  assert.deepEqual(summary(await check(git, { license: 'UNLICENSED' })), [['unwanted-file', 'error', '.git/']]);
});

test('editor settings, OS leftovers, .npmrc and logs are warnings', async () => {
  const findings = await check({
    ...CLEAN,
    '.vscode/settings.json': '{}',
    '.idea/workspace.xml': '<project/>',
    'dist/.DS_Store': 'x',
    'dist/.index.js.swp': 'x',
    '.npmrc': 'registry=https://registry.example.com/\n',
    'npm-debug.log': 'verbose cli\n',
    'logs/build.log': 'ok\n',
  });
  assert.deepEqual(summary(findings).sort(), [
    ['unwanted-file', 'warning', '.idea/workspace.xml'],
    ['unwanted-file', 'warning', '.npmrc'],
    ['unwanted-file', 'warning', '.vscode/settings.json'],
    ['unwanted-file', 'warning', 'dist/.DS_Store'],
    ['unwanted-file', 'warning', 'logs/build.log'],
  ]);
  assert.match(findings.find((finding) => finding.file === 'dist/.DS_Store')?.reason ?? '', /2 files: dist\/\.DS_Store, dist\/\.index\.js\.swp\.$/);
});

test('coverage reports carry the source: warning when open, error when closed', async () => {
  const coverage = { ...CLEAN, 'coverage/lcov-report/index.html': '<html/>', 'coverage/lcov.info': 'SF:src/a.ts\n' };
  assert.deepEqual(summary(await check(coverage)), [['unwanted-file', 'warning', 'coverage/']]);
  assert.deepEqual(summary(await check(coverage, { license: 'SEE LICENSE IN EULA.txt' })), [['unwanted-file', 'error', 'coverage/']]);
});

test('shipped tests are information in an open-source package and a warning in a closed one', async () => {
  const tests = { ...CLEAN, 'test/index.js': 'x', 'test/fixtures/data.json': '{}', 'dist/index.test.js': 'x', 'dist/util.spec.ts': 'x' };
  const open = await check(tests);
  assert.deepEqual(summary(open).sort(), [['unwanted-file', 'info', 'dist/index.test.js'], ['unwanted-file', 'info', 'test/']]);
  assert.match(open.find((finding) => finding.file === 'test/')?.reason ?? '', /^Tests or test fixtures.* 2 files: test\/fixtures\/data\.json, test\/index\.js\.$/);
  const closed = await check(tests, { license: 'UNLICENSED' });
  assert.deepEqual(closed.map((finding) => finding.severity), ['warning', 'warning']);
});

test('internal documents are a warning; ordinary docs and agent notes of an open-source package are not', async () => {
  const leaked = await check({ ...CLEAN, 'docs/internal/roadmap.md': '# plan', 'docs/pricing.internal.md': '# prices' });
  assert.deepEqual(summary(leaked).sort(), [['unwanted-file', 'warning', 'docs/internal/roadmap.md'], ['unwanted-file', 'warning', 'docs/pricing.internal.md']]);

  const twin = await check({ ...CLEAN, 'docs/guide.md': '# guide', 'CLAUDE.md': '# notes' });
  assert.deepEqual(blocking(twin), []);
  const closed = await check({ ...CLEAN, 'CLAUDE.md': '# notes' }, { license: 'UNLICENSED' });
  assert.deepEqual(summary(closed), [['unwanted-file', 'warning', 'CLAUDE.md']]);
});

test('archives inside the package are a warning', async () => {
  const findings = await check({ ...CLEAN, 'fixture-0.9.0.tgz': 'x', 'dist/assets.zip': 'x', 'vendor/lib.tar.gz': 'x', 'dist/data.json.gz': 'x' });
  assert.deepEqual(summary(findings).sort(), [
    ['archive-in-package', 'warning', 'dist/assets.zip'],
    ['archive-in-package', 'warning', 'fixture-0.9.0.tgz'],
    ['archive-in-package', 'warning', 'vendor/lib.tar.gz'],
  ]);
});

test('.env files are left to the secrets check', async () => {
  assert.deepEqual(await check({ ...CLEAN, '.env': 'API_KEY=abc\n', '.env.example': 'API_KEY=\n' }), []);
});

test('scaffolding templates and bundled dependencies may carry tests and editor settings', async () => {
  const findings = await check({
    ...CLEAN,
    'templates/react/.vscode/settings.json': '{}',
    'templates/react/src/App.test.tsx': 'x',
    'node_modules/dep/test/index.js': 'x',
  });
  assert.deepEqual(findings, []);
});

test('no "files" allowlist is a warning that names what ships, and an error with strict', async () => {
  const findings = await check({ ...CLEAN, 'scripts/release.sh': 'x' }, { files: null });
  assert.deepEqual(summary(findings), [['no-files-allowlist', 'warning', 'package.json']]);
  assert.match(findings[0]?.fix ?? '', /"dist\/", "scripts\/"/);
  const strict = await check(CLEAN, { files: null }, { strict: true });
  assert.deepEqual(summary(strict), [['no-files-allowlist', 'error', 'package.json']]);
});

test('allow.paths exempts reviewed files', async () => {
  const findings = await check({ ...CLEAN, '.vscode/settings.json': '{}', 'dist/deploy.key': 'not a key' }, {}, { allow: { paths: ['.vscode/', '*.key'] } });
  assert.deepEqual(findings, []);
});
