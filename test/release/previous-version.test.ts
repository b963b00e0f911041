import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { comparePackages, SIZE_GROWTH_MIN_BYTES } from '../../src/release/checks/previous-version.ts';
import { releaseCheckConfigSchema } from '../../src/release/config-schema.ts';
import { readPackageDirectory } from '../../src/release/package-directory.ts';
import type { Finding, PublishedPackage } from '../../src/release/types.ts';

const roots: string[] = [];
after(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

interface Fixture {
  readonly manifest: Record<string, unknown>;
  readonly files: Readonly<Record<string, string>>;
  readonly executable?: readonly string[];
}

/** A package directory on disk, read through the gate's own loader (npm's packlist rules). */
async function loadFixture(fixture: Fixture): Promise<PublishedPackage> {
  const dir = await mkdtemp(join(tmpdir(), 'ward-previous-'));
  roots.push(dir);
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(fixture.manifest, null, 2)}\n`);
  for (const [path, content] of Object.entries(fixture.files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
    await chmod(join(dir, path), fixture.executable?.includes(path) === true ? 0o755 : 0o644);
  }
  return readPackageDirectory(dir);
}

const baseManifest = {
  name: 'widget',
  version: '1.0.0',
  license: 'MIT',
  main: 'lib/index.js',
  files: ['lib/', 'README.md'],
  dependencies: { ms: '^2.1.3' },
  optionalDependencies: { fsevents: '^2.3.3' },
};
const baseFiles = { 'lib/index.js': 'module.exports = 1;\n', 'lib/util.js': 'module.exports = 2;\n', 'README.md': '# widget\n' };

function next(manifest: Record<string, unknown> = {}, files: Record<string, string> = {}, executable: string[] = []): Fixture {
  return { manifest: { ...baseManifest, version: '1.1.0', ...manifest }, files: { ...baseFiles, ...files }, executable };
}

async function compare(previous: Fixture, current: Fixture, config: Record<string, unknown> = {}): Promise<Finding[]> {
  return comparePackages(await loadFixture(current), await loadFixture(previous), releaseCheckConfigSchema.parse(config));
}

function summary(findings: readonly Finding[]): [string, string, string | undefined][] {
  return findings.map((finding) => [finding.rule, finding.severity, finding.file]);
}

const previous: Fixture = { manifest: baseManifest, files: baseFiles };

test('an ordinary release (same files, code edits, same dependencies) has no findings', async () => {
  const findings = await compare(previous, next({ dependencies: { ms: '^2.1.4' } }, { 'lib/index.js': 'module.exports = 10;\n' }));
  assert.deepEqual(findings, []);
});

/** The line of `needle` in package.json as loadFixture writes it. */
function manifestLine(fixture: Fixture, needle: string): number {
  return `${JSON.stringify(fixture.manifest, null, 2)}\n`.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

test('a new postinstall script is an error that shows the command and where it is', async () => {
  const current = next({ scripts: { postinstall: 'node setup_bun.js', test: 'node --test' } });
  const findings = await compare(previous, current);
  assert.deepEqual(summary(findings), [['install-script-added', 'error', 'package.json']]);
  const [finding] = findings;
  assert.match(finding?.reason ?? '', /"postinstall" script was added since 1\.0\.0: it runs `node setup_bun\.js`/);
  assert.match(finding?.fix ?? '', /remove scripts\.postinstall/);
  assert.equal(finding?.line, manifestLine(current, '"postinstall"'));
  assert.match(finding.fingerprint ?? '', /^[0-9a-f]{16}$/);
});

test('a new binding.gyp adds npm\'s implicit node-gyp install script', async () => {
  const withGyp = next({ files: ['lib/', 'README.md', 'binding.gyp'] }, { 'binding.gyp': '{"targets": []}\n' });
  const findings = await compare(previous, withGyp);
  assert.ok(findings.some((finding) => finding.rule === 'install-script-added' && /node-gyp rebuild/.test(finding.reason)));
});

test('a changed install script is an error showing old and new; an unchanged one is not reported', async () => {
  const before: Fixture = { manifest: { ...baseManifest, scripts: { install: 'node-gyp rebuild' } }, files: baseFiles };
  const changed = await compare(before, next({ scripts: { install: 'node-gyp rebuild && node -e "require(\'./lib/x\')"' } }));
  assert.deepEqual(summary(changed), [['install-script-changed', 'error', 'package.json']]);
  assert.match(changed[0]?.reason ?? '', /`node-gyp rebuild` → `node-gyp rebuild && node -e/);

  assert.deepEqual(await compare(before, next({ scripts: { install: 'node-gyp rebuild' } })), []);
});

test('a new dependency is a warning, a new peer dependency information; moving one between fields is neither', async () => {
  const current: Fixture = {
    manifest: {
      name: 'widget',
      version: '1.1.0',
      license: 'MIT',
      main: 'lib/index.js',
      files: ['lib/', 'README.md'],
      // Listed before "dependencies", so a naive search would point here.
      devDependencies: { 'plain-crypto-js': '^4.0.0' },
      dependencies: { ms: '^2.1.3', 'plain-crypto-js': '^4.2.1', fsevents: '^2.3.3' },
      peerDependencies: { react: '>=18' },
    },
    files: baseFiles,
  };
  const findings = await compare(previous, current);
  assert.deepEqual(
    findings.map((finding) => [finding.rule, finding.severity]),
    [
      ['dependency-added', 'warning'],
      ['dependency-added', 'info'],
    ],
  );
  assert.match(findings[0]?.reason ?? '', /dependencies gained "plain-crypto-js": "\^4\.2\.1" since 1\.0\.0/);
  // The line in "dependencies", not the earlier one in "devDependencies".
  assert.equal(findings[0]?.line, manifestLine(current, '"plain-crypto-js": "^4.2.1"'));
  assert.match(findings[1]?.reason ?? '', /peerDependencies gained "react"/);

  const optional = await compare(previous, next({ optionalDependencies: { fsevents: '^2.3.3', 'easy-day-js': '^1.11.21' } }));
  assert.deepEqual(summary(optional), [['dependency-added', 'warning', 'package.json']]);
  assert.match(optional[0]?.reason ?? '', /optionalDependencies gained "easy-day-js"/);
});

test('a new file in an existing directory is information', async () => {
  const findings = await compare(previous, next({}, { 'lib/extra.js': 'module.exports = 3;\n' }));
  assert.deepEqual(summary(findings), [['new-file', 'info', 'lib/extra.js']]);
});

test('a new top-level directory is one warning listing its files', async () => {
  const findings = await compare(
    previous,
    next({ files: ['lib/', 'README.md', 'src/'] }, { 'src/index.ts': 'export const a = 1;\n', 'src/secret-plan.ts': 'export const b = 2;\n' }),
  );
  assert.deepEqual(summary(findings), [['new-file', 'warning', 'src/']]);
  assert.match(findings[0]?.reason ?? '', /the directory src\/ is new since 1\.0\.0: 2 files.*src\/index\.ts, src\/secret-plan\.ts/);
});

test('a new native binary or new executable is a warning', async () => {
  const dll = await compare(previous, next({}, { 'lib/node-gyp.dll': 'MZ\u0090\u0000' }));
  assert.deepEqual(summary(dll), [['new-file', 'warning', 'lib/node-gyp.dll']]);
  assert.match(dll[0]?.reason ?? '', /\.dll file/);

  const bin = await compare(previous, next({ bin: { widget: 'lib/cli.js' } }, { 'lib/cli.js': '#!/usr/bin/env node\n' }, ['lib/cli.js']));
  assert.deepEqual(summary(bin), [['new-file', 'warning', 'lib/cli.js']]);
  assert.match(bin[0]?.reason ?? '', /executable \(mode 755\)/);
});

test('growth past the threshold is a warning with both sizes; small or allowed growth is not', async () => {
  const big = 'x'.repeat(SIZE_GROWTH_MIN_BYTES * 4);
  const findings = await compare(previous, next({}, { 'lib/index.js.map': big }));
  const growth = findings.filter((finding) => finding.rule === 'size-growth');
  assert.equal(growth.length, 1);
  assert.equal(growth[0]?.severity, 'warning');
  assert.match(growth[0]?.reason ?? '', /grew \d+% since 1\.0\.0: \d+ B → 128\.\d KiB \(over the 25% threshold\)\. Largest contributors: lib\/index\.js\.map \(\+128\.0 KiB\)/);

  // Doubling a tiny package is not worth stopping a release for.
  const tiny = await compare(previous, next({}, { 'lib/index.js': 'module.exports = 1;\n'.repeat(20) }));
  assert.deepEqual(tiny.filter((finding) => finding.rule === 'size-growth'), []);
  // The threshold is the configuration's.
  const allowed = await compare(previous, next({}, { 'lib/index.js.map': big }), { sizeGrowthPercent: 1_000_000 });
  assert.deepEqual(allowed.filter((finding) => finding.rule === 'size-growth'), []);
});
