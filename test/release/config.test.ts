/**
 * Where the release gate's configuration comes from and what a maintainer reads when it is
 * wrong: real package directories in temp folders, real files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReleaseCheckConfig, loadReleaseCheckConfigFile } from '../../src/release/config.ts';
import { defaultReleaseCheckConfig } from '../../src/release/config-schema.ts';
import { ReleaseInputError } from '../../src/release/errors.ts';

async function withPackage(files: Record<string, string>, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ward-release-config-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const manifest = { name: 'pkg', version: '1.0.0' };

async function inputError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ReleaseInputError, `expected a ReleaseInputError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected the configuration to be refused');
}

test('no configuration anywhere gives the defaults', async () => {
  await withPackage({}, async (dir) => {
    const loaded = await loadReleaseCheckConfig(dir, manifest);
    assert.equal(loaded.source, 'defaults');
    assert.deepEqual(loaded.config, defaultReleaseCheckConfig());
    assert.deepEqual(loaded.config.allow.registries, ['https://registry.npmjs.org/']);
  });
});

test('package.json "ward.releaseCheck" is read, with defaults filled in for what it leaves out', async () => {
  await withPackage({}, async (dir) => {
    const loaded = await loadReleaseCheckConfig(dir, { ...manifest, ward: { releaseCheck: { strict: true, allow: { fingerprints: ['abc123'] } } } });
    assert.equal(loaded.source, 'package.json (ward.releaseCheck)');
    assert.equal(loaded.config.strict, true);
    assert.deepEqual(loaded.config.allow.fingerprints, ['abc123']);
    assert.deepEqual(loaded.config.allow.registries, ['https://registry.npmjs.org/']);
    assert.equal(loaded.config.sizeGrowthPercent, 25);
  });
});

test('.ward/release-check.json in the package directory is read', async () => {
  const file = JSON.stringify({ openSource: 'closed', confidential: ['src/internal/**'], sizeGrowthPercent: 10 });
  await withPackage({ '.ward/release-check.json': `\uFEFF${file}` }, async (dir) => {
    const loaded = await loadReleaseCheckConfig(dir, manifest);
    assert.equal(loaded.source, '.ward/release-check.json');
    assert.equal(loaded.config.openSource, 'closed');
    assert.deepEqual(loaded.config.confidential, ['src/internal/**']);
    assert.equal(loaded.config.sizeGrowthPercent, 10);
  });
});

test('configuring the gate in both places is refused, naming both and saying to keep one', async () => {
  await withPackage({ '.ward/release-check.json': '{"strict": true}' }, async (dir) => {
    const message = await inputError(loadReleaseCheckConfig(dir, { ...manifest, ward: { releaseCheck: {} } }));
    assert.match(message, /package\.json/);
    assert.match(message, /\.ward\/release-check\.json/);
    assert.match(message, /Keep one/);
  });
});

test('a bad value names the file, the field path and the problem', async () => {
  await withPackage({ '.ward/release-check.json': JSON.stringify({ allow: { registries: ['not a url'] }, sizeGrowthPercent: -5 }) }, async (dir) => {
    const message = await inputError(loadReleaseCheckConfig(dir, manifest));
    assert.match(message, /^\.ward\/release-check\.json: allow\.registries\[0\]: Invalid URL$/m);
    assert.match(message, /^\.ward\/release-check\.json: sizeGrowthPercent: .*>0/m);
  });
  await withPackage({}, async (dir) => {
    const message = await inputError(loadReleaseCheckConfig(dir, { ...manifest, ward: { releaseCheck: { strict: 'yes' } } }));
    assert.match(message, /^package\.json: ward\.releaseCheck\.strict: .*expected boolean/);
  });
});

test('a misspelt key is refused with the keys that exist there, so an allowlist never silently fails to apply', async () => {
  await withPackage({ '.ward/release-check.json': JSON.stringify({ allow: { fingerprint: ['abc'] } }) }, async (dir) => {
    const message = await inputError(loadReleaseCheckConfig(dir, manifest));
    assert.match(message, /^\.ward\/release-check\.json: allow: Unrecognized key: "fingerprint" \(the known keys here are: paths, fingerprints, registries, installScripts\)$/);
  });
  await withPackage({}, async (dir) => {
    const message = await inputError(loadReleaseCheckConfig(dir, { ...manifest, ward: { releaseCheck: { ignoreRule: [] } } }));
    assert.match(message, /^package\.json: ward\.releaseCheck: Unrecognized key: "ignoreRule" \(the known keys here are: strict, failOn, openSource, .*ignoreRules/);
  });
});

test('ignoring a rule that does not exist is refused with the closest rule id', async () => {
  await withPackage({ '.ward/release-check.json': JSON.stringify({ ignoreRules: ['new-file', 'sourcemap-embeded-source', 'constructor'] }) }, async (dir) => {
    const message = await inputError(loadReleaseCheckConfig(dir, manifest));
    assert.match(message, /^\.ward\/release-check\.json: ignoreRules\[1\]: unknown rule "sourcemap-embeded-source"; did you mean "sourcemap-embedded-source"\?$/m);
    assert.match(message, /^\.ward\/release-check\.json: ignoreRules\[2\]: unknown rule "constructor"; the rules are: sourcemap-embedded-source, /m);
    assert.doesNotMatch(message, /ignoreRules\[0\]/, 'a real rule id is accepted');
  });
});

test('a file that is not JSON names the file and the parse error', async () => {
  await withPackage({ '.ward/release-check.json': '{ "strict": true, }' }, async (dir) => {
    const message = await inputError(loadReleaseCheckConfig(dir, manifest));
    assert.match(message, /^\.ward\/release-check\.json: not valid JSON: /);
  });
});

test('a tarball target reads only the packed package.json', async () => {
  const loaded = await loadReleaseCheckConfig(undefined, { ...manifest, ward: { releaseCheck: { openSource: 'open' } } });
  assert.equal(loaded.config.openSource, 'open');
  assert.equal((await loadReleaseCheckConfig(undefined, manifest)).source, 'defaults');
});

test('another tool\'s "ward" key without releaseCheck is left alone', async () => {
  await withPackage({}, async (dir) => {
    assert.equal((await loadReleaseCheckConfig(dir, { ...manifest, ward: 'a string' })).source, 'defaults');
    assert.equal((await loadReleaseCheckConfig(dir, { ...manifest, ward: { theme: 'dark' } })).source, 'defaults');
  });
});

test('a .ward that is a file (not a folder) means no configuration file', async () => {
  await withPackage({ '.ward': 'not a folder' }, async (dir) => {
    assert.equal((await loadReleaseCheckConfig(dir, manifest)).source, 'defaults');
  });
});

test('--config FILE is read and validated; a missing one is an input error naming it', async () => {
  await withPackage({ 'ci/release.json': JSON.stringify({ strict: true }), 'ci/bad.json': JSON.stringify({ allow: { paths: [''] } }) }, async (dir) => {
    const path = join(dir, 'ci/release.json');
    const loaded = await loadReleaseCheckConfigFile(path);
    assert.equal(loaded.source, path);
    assert.equal(loaded.config.strict, true);
    const bad = await inputError(loadReleaseCheckConfigFile(join(dir, 'ci/bad.json')));
    assert.match(bad, /ci\/bad\.json: allow\.paths\[0\]: /);
    const missing = await inputError(loadReleaseCheckConfigFile(join(dir, 'ci/nope.json')));
    assert.match(missing, /ci\/nope\.json: no such configuration file/);
  });
});
