/**
 * parseManifest: strict about what the gate cannot work without, tolerant of the legacy shapes
 * real published packages still carry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest } from '../../src/release/manifest.ts';
import { ReleaseInputError } from '../../src/release/errors.ts';

const where = '/work/pkg/package.json';

function rejects(raw: unknown, pattern: RegExp): void {
  assert.throws(() => parseManifest(raw, where), (error: unknown) => {
    assert.ok(error instanceof ReleaseInputError, `expected a ReleaseInputError, got ${String(error)}`);
    assert.equal(error.name, 'ReleaseInputError');
    assert.ok(error.message.startsWith(where), `the message names the file: ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  });
}

test('a minimal manifest gets empty maps and keeps the raw object', () => {
  const raw = { name: 'a', version: '1.0.0', homepage: 'https://example.org' };
  const manifest = parseManifest(raw, where);
  assert.equal(manifest.name, 'a');
  assert.equal(manifest.version, '1.0.0');
  assert.equal(manifest.license, undefined);
  assert.equal(manifest.files, undefined);
  assert.equal(manifest.private, undefined);
  assert.deepEqual(manifest.scripts, {});
  assert.deepEqual(manifest.dependencies, {});
  assert.deepEqual(manifest.optionalDependencies, {});
  assert.deepEqual(manifest.peerDependencies, {});
  assert.deepEqual(manifest.bundleDependencies, []);
  assert.equal(manifest.raw, raw);
});

test('name and version are required strings, and the error says which and how to fix it', () => {
  rejects({ version: '1.0.0' }, /"name" is missing; set "name" to the package name/);
  rejects({ name: 'a' }, /"version" is missing; set "version" to a semver version/);
  rejects({ name: 'a', version: 1 }, /"version" must be a string/);
  rejects({ name: '', version: '1.0.0' }, /"name" must not be empty/);
});

test('package.json must hold an object', () => {
  rejects([], /must contain a JSON object/);
  rejects(null, /must contain a JSON object/);
  rejects('{"name":"a"}', /must contain a JSON object/);
});

test('files must be an array of strings when present', () => {
  assert.deepEqual(parseManifest({ name: 'a', version: '1.0.0', files: ['dist/', 'README.md'] }, where).files, ['dist/', 'README.md']);
  rejects({ name: 'a', version: '1.0.0', files: 'dist' }, /"files" must be an array of strings.*make "files" an array of strings/);
  rejects({ name: 'a', version: '1.0.0', files: ['dist', 3] }, /"files" must be an array of strings/);
});

test('license: SPDX string, legacy object, legacy licenses array', () => {
  const license = (fields: Record<string, unknown>): string | undefined => parseManifest({ name: 'a', version: '1.0.0', ...fields }, where).license;
  assert.equal(license({ license: 'MIT' }), 'MIT');
  assert.equal(license({ license: '(MIT OR Apache-2.0)' }), '(MIT OR Apache-2.0)');
  assert.equal(license({ license: 'UNLICENSED' }), 'UNLICENSED');
  assert.equal(license({ license: 'SEE LICENSE IN LICENSE.txt' }), 'SEE LICENSE IN LICENSE.txt');
  assert.equal(license({ license: { type: 'ISC', url: 'https://opensource.org/licenses/ISC' } }), 'ISC');
  assert.equal(license({ licenses: [{ type: 'MIT', url: 'x' }] }), 'MIT');
  assert.equal(license({ licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] }), '(MIT OR Apache-2.0)');
  assert.equal(license({ license: ['BSD-3-Clause'] }), 'BSD-3-Clause');
  assert.equal(license({ license: '  ' }), undefined);
  assert.equal(license({ license: 42 }), undefined);
  assert.equal(license({}), undefined);
});

test('scripts and dependency maps keep string values only', () => {
  const manifest = parseManifest(
    {
      name: 'a',
      version: '1.0.0',
      scripts: { postinstall: 'node setup.js', broken: null },
      dependencies: { left: '^1.0.0', bad: 3 },
      optionalDependencies: { fsevents: '*' },
      peerDependencies: { react: '>=18' },
    },
    where,
  );
  assert.deepEqual(manifest.scripts, { postinstall: 'node setup.js' });
  assert.deepEqual(manifest.dependencies, { left: '^1.0.0' });
  assert.deepEqual(manifest.optionalDependencies, { fsevents: '*' });
  assert.deepEqual(manifest.peerDependencies, { react: '>=18' });
  assert.deepEqual(parseManifest({ name: 'a', version: '1.0.0', dependencies: ['old-style'] }, where).dependencies, { 'old-style': '*' });
});

test('bundleDependencies: list, true, the bundledDependencies spelling, object form', () => {
  const bundled = (fields: Record<string, unknown>): readonly string[] =>
    parseManifest({ name: 'a', version: '1.0.0', dependencies: { x: '1', y: '2' }, ...fields }, where).bundleDependencies;
  assert.deepEqual(bundled({ bundleDependencies: ['x'] }), ['x']);
  assert.deepEqual(bundled({ bundleDependencies: true }), ['x', 'y']);
  assert.deepEqual(bundled({ bundledDependencies: ['y'] }), ['y']);
  assert.deepEqual(bundled({ bundledDependencies: true }), ['x', 'y']);
  assert.deepEqual(bundled({ bundleDependencies: ['x'], bundledDependencies: ['y'] }), ['x']);
  assert.deepEqual(bundled({ bundleDependencies: { x: '1' } }), ['x']);
  assert.deepEqual(bundled({ bundleDependencies: false }), []);
});

test('private is true only when declared', () => {
  assert.equal(parseManifest({ name: 'a', version: '1.0.0', private: true }, where).private, true);
  assert.equal(parseManifest({ name: 'a', version: '1.0.0', private: false }, where).private, undefined);
});
