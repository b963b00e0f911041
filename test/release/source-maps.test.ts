/**
 * Source maps as published: each fixture is a real package directory loaded through npm's
 * packlist (readPackageDirectory), and each finding has a clean twin that must pass (no error,
 * no warning). The 2026 incident is rebuilt with esbuild itself: a bundle whose external map
 * carries 300+ files of source and is linked from nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { checkSourceMaps } from '../../src/release/checks/source-maps.ts';
import { releaseCheckConfigSchema, type ReleaseCheckConfig } from '../../src/release/config-schema.ts';
import { readPackageDirectory } from '../../src/release/package-directory.ts';
import type { Finding } from '../../src/release/types.ts';

const temporaryDirs: string[] = [];
test.after(async () => {
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function writeTree(files: Readonly<Record<string, string>>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ward-sourcemaps-'));
  temporaryDirs.push(dir);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

function manifest(license: string | null): string {
  return JSON.stringify({ name: 'fixture', version: '1.0.0', files: ['dist/'], ...(license === null ? {} : { license }) });
}

async function check(dir: string, config: Partial<ReleaseCheckConfig> = {}): Promise<Finding[]> {
  return checkSourceMaps({ pkg: await readPackageDirectory(dir), config: releaseCheckConfigSchema.parse(config) });
}

async function checkTree(files: Readonly<Record<string, string>>, config: Partial<ReleaseCheckConfig> = {}): Promise<Finding[]> {
  return check(await writeTree(files), config);
}

function blocking(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.severity !== 'info');
}

function map(sources: readonly string[], sourcesContent?: readonly (string | null)[] | null, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: 3, file: 'index.js', sources, ...(sourcesContent === undefined ? {} : { sourcesContent }), mappings: 'AAAA', ...extra });
}

function inlineMap(json: string): string {
  return `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(json).toString('base64')}`;
}

/** The incident's build: hundreds of modules bundled into dist/cli.js with an external map. */
async function bundledCli(linked: boolean): Promise<string> {
  const files: Record<string, string> = { 'package.json': manifest('MIT') };
  const imports: string[] = [];
  for (let index = 0; index < 320; index += 1) {
    files[`src/commands/command${index}.ts`] = `export function command${index}(input: string): string {\n  return input + ':${index}';\n}\n`;
    imports.push(`import { command${index} } from './commands/command${index}.ts';\nconsole.log(command${index}('run'));`);
  }
  files['src/cli.ts'] = imports.join('\n');
  const dir = await writeTree(files);
  await build({
    entryPoints: [path.join(dir, 'src/cli.ts')],
    outfile: path.join(dir, 'dist/cli.js'),
    bundle: true,
    platform: 'node',
    // `external` writes the .map and no sourceMappingURL comment: a map linked from nothing.
    sourcemap: linked ? 'linked' : 'external',
    sourcesContent: !linked,
    logLevel: 'silent',
  });
  return dir;
}

test('the 2026 incident: an unlinked bundle map carrying 300+ sources is an error even under MIT', async () => {
  const findings = await check(await bundledCli(false));
  const errors = findings.filter((finding) => finding.severity === 'error');
  assert.equal(errors.length, 1);
  const [error] = errors;
  assert.equal(error?.rule, 'sourcemap-embedded-source');
  assert.equal(error?.file, 'dist/cli.js.map');
  assert.match(error?.reason ?? '', /321 source files/);
  assert.match(error?.reason ?? '', /no published file links to this map/);
  assert.match(error?.reason ?? '', /src\/commands\/command0\.ts/);
  assert.match(error?.fix ?? '', /sourcesContent: false/);
});

test('its clean twin: the same bundle, map linked from cli.js and without sourcesContent, passes', async () => {
  const findings = await check(await bundledCli(true));
  assert.deepEqual(findings, []);
});

test('a map linked from its file but with null sourcesContent entries carries no source', async () => {
  const findings = await checkTree({
    'package.json': manifest(null),
    'dist/index.js': 'console.log(1);\n//# sourceMappingURL=index.js.map\n',
    'dist/index.js.map': map(['../src/index.ts'], [null]),
  });
  assert.deepEqual(findings, []);
});

test('a closed-source package must not ship a linked map that carries source', async () => {
  for (const license of [null, 'UNLICENSED', 'SEE LICENSE IN LICENSE.md', 'LicenseRef-Acme']) {
    const findings = await checkTree({
      'package.json': manifest(license),
      'dist/index.js': 'console.log(1);\n//# sourceMappingURL=index.js.map\n',
      'dist/index.js.map': map(['../src/index.ts'], ['export const secretAlgorithm = 1;\n']),
    });
    const [only] = findings;
    assert.equal(findings.length, 1, `license ${String(license)}`);
    assert.equal(only?.severity, 'error');
    assert.equal(only?.rule, 'sourcemap-embedded-source');
    assert.match(only?.reason ?? '', /not open source/);
    assert.match(only?.reason ?? '', /src\/index\.ts/);
  }
});

test('the same linked map in an open-source library is information only', async () => {
  const findings = await checkTree({
    'package.json': manifest('(MIT OR Apache-2.0)'),
    'dist/index.js': 'console.log(1);\n//# sourceMappingURL=index.js.map\n',
    'dist/index.js.map': map(['../src/index.ts'], ['export const x = 1;\n']),
  });
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.severity, 'info');
  assert.equal(findings[0]?.rule, 'sourcemap-embedded-source');
});

test('configuration may declare a package closed whatever its license says', async () => {
  const files = {
    'package.json': manifest('MIT'),
    'dist/index.js': 'console.log(1);\n//# sourceMappingURL=index.js.map\n',
    'dist/index.js.map': map(['../src/index.ts'], ['export const x = 1;\n']),
  };
  const findings = await checkTree(files, { openSource: 'closed' });
  assert.equal(findings[0]?.severity, 'error');
});

test('embedded source matching a confidential glob is an error in an open-source package', async () => {
  const files = {
    'package.json': manifest('MIT'),
    'dist/index.js': 'console.log(1);\n//# sourceMappingURL=index.js.map\n',
    'dist/index.js.map': map(['../src/index.ts', '../src/internal/pricing.ts'], ['export {};\n', 'export const margin = 0.4;\n']),
  };
  const leaked = await checkTree(files, { confidential: ['src/internal/**'] });
  assert.equal(leaked.length, 1);
  assert.equal(leaked[0]?.severity, 'error');
  assert.match(leaked[0]?.reason ?? '', /confidential.*src\/internal\/pricing\.ts/);

  const twin = await checkTree(files, { confidential: ['src/secret/**'] });
  assert.deepEqual(blocking(twin), []);
});

test('a confidential glob also matches sources named by a webpack:// URL', async () => {
  const findings = await checkTree({
    'package.json': manifest('MIT'),
    'dist/index.js': 'console.log(1);\n//# sourceMappingURL=index.js.map\n',
    'dist/index.js.map': map(['webpack://fixture/./src/internal/keys.ts'], ['export const k = 1;\n']),
  }, { confidential: ['src/internal/**'] });
  assert.equal(findings[0]?.severity, 'error');
});

test('an inline data: map carrying source in a closed package is an error; without source it passes', async () => {
  const leaked = await checkTree({
    'package.json': manifest('UNLICENSED'),
    'dist/index.js': `console.log(1);\n${inlineMap(map(['../src/index.ts'], ['const hidden = 1;\n']))}\n`,
  });
  assert.equal(leaked.length, 1);
  assert.equal(leaked[0]?.severity, 'error');
  assert.equal(leaked[0]?.file, 'dist/index.js');
  assert.match(leaked[0]?.reason ?? '', /inline source map/);

  const twin = await checkTree({
    'package.json': manifest('UNLICENSED'),
    'dist/index.js': `console.log(1);\n${inlineMap(map(['../src/index.ts']))}\n`,
  });
  assert.deepEqual(twin, []);
});

test('a CSS inline map in the /*# */ form is read too', async () => {
  const css = `body{color:red}\n/*# sourceMappingURL=data:application/json;base64,${Buffer.from(map(['../src/a.scss'], ['$c: red;'])).toString('base64')} */\n`;
  const findings = await checkTree({ 'package.json': manifest(null), 'dist/a.css': css });
  assert.equal(findings[0]?.severity, 'error');
});

test('absolute build-host paths in sources are a warning; relative ones pass', async () => {
  const leaked = await checkTree({
    'package.json': manifest('MIT'),
    'dist/index.js': 'x;\n//# sourceMappingURL=index.js.map\n',
    'dist/index.js.map': map(['/home/alice/work/fixture/src/index.ts', 'C:\\Users\\bob\\fixture\\src\\util.ts', 'file:///builds/ci/src/x.ts']),
  });
  assert.deepEqual(leaked.map((finding) => [finding.rule, finding.severity]), [['sourcemap-absolute-sources', 'warning']]);
  assert.match(leaked[0]?.reason ?? '', /3 "sources" entries/);

  const twin = await checkTree({
    'package.json': manifest('MIT'),
    'dist/index.js': 'x;\n//# sourceMappingURL=index.js.map\n',
    'dist/index.js.map': map(['../src/index.ts', 'webpack://fixture/./src/util.ts', 'ng://fixture/app.ts', '/src/root-relative.ts']),
  });
  assert.deepEqual(twin, []);
});

test('sources applied to an absolute sourceRoot count as absolute paths', async () => {
  const findings = await checkTree({
    'package.json': manifest('MIT'),
    'dist/index.js': 'x;\n//# sourceMappingURL=index.js.map\n',
    'dist/index.js.map': map(['src/index.ts'], undefined, { sourceRoot: '/Users/carol/fixture/' }),
  });
  assert.equal(findings[0]?.rule, 'sourcemap-absolute-sources');
});

test('sources outside the package: a monorepo sibling is information, node_modules nothing, a climb out of the project a warning', async () => {
  const base = { 'package.json': manifest('MIT'), 'dist/index.js': 'x;\n//# sourceMappingURL=index.js.map\n' };
  const hoisted = await checkTree({ ...base, 'dist/index.js.map': map(['../src/a.ts', '../../../node_modules/.pnpm/lodash@4/node_modules/lodash/index.js']) });
  assert.deepEqual(hoisted, []);

  const sibling = await checkTree({ ...base, 'dist/index.js.map': map(['../../shared/src/util.ts']) });
  assert.deepEqual(sibling.map((finding) => [finding.rule, finding.severity]), [['sourcemap-outside-sources', 'info']]);

  const climbing = await checkTree({ ...base, 'dist/index.js.map': map(['../../../../../../home/ci/checkout/src/a.ts']) });
  assert.deepEqual(climbing.map((finding) => [finding.rule, finding.severity]), [['sourcemap-outside-sources', 'warning']]);
});

test('a sourceMappingURL to a remote server is a warning', async () => {
  const findings = await checkTree({
    'package.json': manifest('MIT'),
    'dist/index.js': 'x;\n//# sourceMappingURL=https://maps.example.com/fixture/index.js.map\n',
  });
  assert.deepEqual(findings.map((finding) => [finding.rule, finding.severity]), [['sourcemap-remote-url', 'warning']]);
  assert.match(findings[0]?.reason ?? '', /maps\.example\.com/);
});

test('a sourceMappingURL to an unpublished map is information; a published one passes', async () => {
  const missing = await checkTree({ 'package.json': manifest('MIT'), 'dist/index.js': 'x;\n//# sourceMappingURL=index.js.map\n' });
  assert.deepEqual(missing.map((finding) => [finding.rule, finding.severity, finding.file]), [['sourcemap-missing-map', 'info', 'dist/index.js']]);

  const present = await checkTree({
    'package.json': manifest('MIT'),
    'dist/index.js': 'x;\n//# sourceMappingURL=index.js.map?v=2\n',
    'dist/index.js.map': map(['../src/index.ts']),
  });
  assert.deepEqual(present, []);
});

test('a root-relative sourceMappingURL links the map from the package root', async () => {
  const findings = await checkTree({
    'package.json': manifest(null),
    'dist/index.js': 'x;\n//# sourceMappingURL=/dist/index.js.map\n',
    'dist/index.js.map': map(['../src/index.ts'], [null]),
  });
  assert.deepEqual(findings, []);
});

test('only the last sourceMappingURL comment is the link; a string in code is not a comment', async () => {
  const findings = await checkTree({
    'package.json': manifest('MIT'),
    'dist/index.js': 'var s = "//# sourceMappingURL=" + url;\nx;\n//# sourceMappingURL=index.js.map\n',
    'dist/index.js.map': map(['../src/index.ts']),
  });
  assert.deepEqual(findings, []);
});

test('an unlinked map without source is information, never an error', async () => {
  const findings = await checkTree({
    'package.json': manifest(null),
    'dist/index.js': 'x;\n',
    'dist/index.js.map': map(['../src/index.ts'], [null]),
  });
  assert.deepEqual(findings.map((finding) => [finding.rule, finding.severity]), [['sourcemap-unlinked', 'info']]);
});

test('a .map that does not parse is a warning when it is named for code; other .map data files pass', async () => {
  const findings = await checkTree({
    'package.json': manifest('MIT'),
    'dist/index.js': 'x;\n',
    'dist/index.js.map': '{"version":3,"sources":["a.ts"',
    'dist/keyboard.map': 'KEY_A 0x1e\nKEY_B 0x30\n',
  });
  assert.deepEqual(findings.map((finding) => [finding.rule, finding.severity, finding.file]), [['sourcemap-unreadable', 'warning', 'dist/index.js.map']]);
});

test('an index map (sections) carrying source is read like any other', async () => {
  const indexMap = JSON.stringify({
    version: 3,
    sections: [{ offset: { line: 0, column: 0 }, map: JSON.parse(map(['../src/a.ts'], ['const a = 1;'])) as unknown }],
  });
  const findings = await checkTree({ 'package.json': manifest(null), 'dist/index.js': 'x;\n//# sourceMappingURL=index.js.map\n', 'dist/index.js.map': indexMap });
  assert.equal(findings[0]?.severity, 'error');
});

test('many informational maps collapse into one finding that counts them', async () => {
  const files: Record<string, string> = { 'package.json': manifest('MIT') };
  for (let index = 0; index < 40; index += 1) {
    files[`dist/m${index}.js`] = `x;\n//# sourceMappingURL=m${index}.js.map\n`;
    files[`dist/m${index}.js.map`] = map([`../src/m${index}.ts`], [`export const m${index} = ${index};`]);
  }
  const findings = await checkTree(files);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.severity, 'info');
  assert.match(findings[0]?.reason ?? '', /^40 files share this finding/);
});
