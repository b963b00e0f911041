import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, test } from 'node:test';
import { ReleaseInputError } from '../../src/release/errors.ts';
import { fetchPreviousVersion, packumentUrl, pickPrevious } from '../../src/release/registry.ts';
import { packFixture, startNpmRegistry, type NpmRegistry, type RegistryPackage } from '../support/npm-registry.ts';

const tarballs = new Map<string, Buffer>();

before(async () => {
  for (const version of ['1.0.0', '1.1.0', '1.2.0-beta.1', '2.0.0']) {
    tarballs.set(
      version,
      await packFixture({
        'package.json': JSON.stringify({ name: 'widget', version, license: 'MIT', main: 'index.js' }),
        'index.js': `module.exports = ${JSON.stringify(version)};\n`,
      }),
    );
  }
  tarballs.set(
    'scoped',
    await packFixture({
      'package.json': JSON.stringify({ name: '@acme/widget', version: '3.0.0', license: 'MIT' }),
      'index.js': 'module.exports = 3;\n',
    }),
  );
});

function tarball(key: string): Buffer {
  const bytes = tarballs.get(key);
  assert.ok(bytes, `fixture ${key} was packed`);
  return bytes;
}

function widget(overrides: Partial<Record<string, Partial<RegistryPackage['versions'][number]>>> = {}): RegistryPackage {
  return {
    name: 'widget',
    versions: ['1.0.0', '1.1.0', '1.2.0-beta.1', '2.0.0'].map((version) => ({ version, tarball: tarball(version), ...overrides[version] })),
  };
}

async function withRegistry<T>(packages: readonly RegistryPackage[], run: (registry: NpmRegistry) => Promise<T>): Promise<T> {
  const registry = await startNpmRegistry(packages);
  try {
    return await run(registry);
  } finally {
    await registry.close();
  }
}

test('the highest published release below the current version is downloaded and verified', async () => {
  await withRegistry([widget()], async (registry) => {
    const result = await fetchPreviousVersion('widget', '1.5.0', { registry: registry.url });
    assert.equal(result.status, 'found');
    assert.ok(result.status === 'found');
    // 1.2.0-beta.1 is higher but a prerelease; 2.0.0 is not lower.
    assert.equal(result.version, '1.1.0');
    assert.deepEqual(result.tarball, tarball('1.1.0'));
    assert.equal(result.source, `${registry.url}widget/-/widget-1.1.0.tgz`);
    // npm's abbreviated document is asked for, like npm install does.
    assert.match(registry.requests[0]?.accept ?? '', /application\/vnd\.npm\.install-v1\+json/);
  });
});

test('a prerelease is compared against earlier prereleases too', async () => {
  await withRegistry([widget()], async (registry) => {
    const result = await fetchPreviousVersion('widget', '2.0.0-rc.1', { registry: registry.url });
    assert.ok(result.status === 'found');
    assert.equal(result.version, '1.2.0-beta.1');
  });
});

test('a registry URL without a trailing slash works the same', async () => {
  await withRegistry([widget()], async (registry) => {
    const result = await fetchPreviousVersion('widget', '1.5.0', { registry: registry.url.replace(/\/$/, '') });
    assert.ok(result.status === 'found');
    assert.equal(result.version, '1.1.0');
  });
});

test('scoped names are requested in npm escaped form', async () => {
  const scoped: RegistryPackage = { name: '@acme/widget', versions: [{ version: '3.0.0', tarball: tarball('scoped') }] };
  await withRegistry([scoped], async (registry) => {
    const result = await fetchPreviousVersion('@acme/widget', '3.1.0', { registry: registry.url });
    assert.ok(result.status === 'found', JSON.stringify(result));
    assert.equal(result.version, '3.0.0');
    assert.equal(registry.requests[0]?.path, '/@acme%2fwidget');
  });
  assert.equal(packumentUrl('https://registry.example.com/npm/', '@acme/widget'), 'https://registry.example.com/npm/@acme%2fwidget');
});

test('a package that was never published is "none", not an error', async () => {
  await withRegistry([widget()], async (registry) => {
    const result = await fetchPreviousVersion('brand-new-package', '1.0.0', { registry: registry.url });
    assert.equal(result.status, 'none');
    assert.ok(result.status === 'none');
    assert.match(result.reason, /brand-new-package has never been published/);
  });
});

test('no lower version published is "none"', async () => {
  await withRegistry([widget()], async (registry) => {
    const result = await fetchPreviousVersion('widget', '0.9.0', { registry: registry.url });
    assert.ok(result.status === 'none');
    assert.match(result.reason, /no version of widget lower than 0\.9\.0/);
  });
});

test('a tarball that does not match its sha512 integrity is an input error', async () => {
  const tampered = widget({ '1.1.0': { served: tarball('1.0.0') } });
  await withRegistry([tampered], async (registry) => {
    await assert.rejects(fetchPreviousVersion('widget', '1.5.0', { registry: registry.url }), (error: unknown) => {
      assert.ok(error instanceof ReleaseInputError);
      assert.match(error.message, /widget@1\.1\.0 .* does not match the checksum/);
      assert.match(error.message, /expected sha512-/);
      return true;
    });
  });
});

test('without integrity the legacy sha1 shasum is checked', async () => {
  const legacyOk = widget({ '1.1.0': { integrity: null } });
  await withRegistry([legacyOk], async (registry) => {
    const result = await fetchPreviousVersion('widget', '1.5.0', { registry: registry.url });
    assert.ok(result.status === 'found');
    assert.deepEqual(result.tarball, tarball('1.1.0'));
  });
  const legacyBad = widget({ '1.1.0': { integrity: null, shasum: createHash('sha1').update('something else').digest('hex') } });
  await withRegistry([legacyBad], async (registry) => {
    await assert.rejects(fetchPreviousVersion('widget', '1.5.0', { registry: registry.url }), /expected shasum/);
  });
});

test('a version with no checksum at all is not trusted', async () => {
  const unsigned = widget({ '1.1.0': { integrity: null, shasum: null } });
  await withRegistry([unsigned], async (registry) => {
    const result = await fetchPreviousVersion('widget', '1.5.0', { registry: registry.url });
    assert.ok(result.status === 'unavailable');
    assert.match(result.reason, /no sha512\/sha384\/sha256\/sha1 checksum/);
  });
});

test('a registry that is down makes the comparison unavailable, naming the cause', async () => {
  const registry = await startNpmRegistry([widget()]);
  const url = registry.url;
  await registry.close();
  const result = await fetchPreviousVersion('widget', '1.5.0', { registry: url });
  assert.ok(result.status === 'unavailable');
  assert.match(result.reason, /could not reach http:\/\/127\.0\.0\.1:\d+\/widget \(ECONNREFUSED\)/);
});

test('credentials in a registry URL never appear in a reason', async () => {
  const registry = await startNpmRegistry([]);
  const url = registry.url.replace('http://', 'http://user:s3cret@');
  await registry.close();
  const result = await fetchPreviousVersion('widget', '1.5.0', { registry: url });
  assert.ok(result.status === 'unavailable');
  assert.match(result.reason, /carries credentials/);
  assert.doesNotMatch(JSON.stringify(result), /s3cret/);
});

test('pickPrevious ignores invalid versions and prereleases of a final release', () => {
  assert.equal(pickPrevious(['1.0.0', 'garbage', '1.0.1-alpha', '0.9.9'], '1.0.1'), '1.0.0');
  assert.equal(pickPrevious(['1.0.0', '1.0.1-alpha'], '1.0.1-beta'), '1.0.1-alpha');
  assert.equal(pickPrevious(['2.0.0'], '1.0.0'), undefined);
  assert.equal(pickPrevious(['1.0.0'], 'not-a-version'), undefined);
});
