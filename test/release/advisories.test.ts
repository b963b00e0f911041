import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { build } from 'esbuild';
import {
  AdvisoryIndex,
  builtinAdvisoryList,
  loadAdvisoryList,
  mergeAdvisoryLists,
  type AdvisoryList,
} from '../../src/release/advisories.ts';
import { ReleaseInputError } from '../../src/release/errors.ts';

async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ward-advisories-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const userList: AdvisoryList = {
  updated: '2026-11-01',
  advisories: [
    {
      id: 'ACME-1',
      summary: 'internal-lib 2.0.1 was published by mistake with a debug backdoor',
      url: 'https://security.acme.example/ACME-1',
      published: '2026-10-30',
      packages: [{ name: '@acme/internal-lib', versions: ['2.0.1'] }],
    },
  ],
};

test('the shipped list names the verified 2025 and 2026 compromises, each with its source', () => {
  const list = builtinAdvisoryList();
  const index = new AdvisoryIndex([list]);
  const expectations: [string, string, string][] = [
    ['debug', '4.4.2', 'MAL-2025-46974'],
    ['chalk', '5.6.1', 'MAL-2025-46969'],
    ['ansi-styles', '6.2.2', 'MAL-2025-46967'],
    ['eslint-config-prettier', '10.1.7', 'MAL-2025-6022'],
    ['synckit', '0.11.9', 'MAL-2025-6026'],
    ['@pkgr/core', '0.2.8', 'MAL-2025-6021'],
    ['napi-postinstall', '0.3.1', 'MAL-2025-6025'],
    ['is', '5.0.0', 'MAL-2025-6020'],
    ['nx', '21.5.0', 'GHSA-cxm3-wv7p-598c'],
    ['@ctrl/tinycolor', '4.1.1', 'MAL-2025-47141'],
    ['posthog-node', '5.13.3', 'PostHog/posthog-js#2633'],
    ['axios', '1.14.1', 'MAL-2026-2307'],
    ['@tanstack/react-router', '1.169.5', 'MAL-2026-3465'],
  ];
  for (const [name, version, id] of expectations) {
    assert.deepEqual(
      index.lookup(name, version).map((advisory) => advisory.id),
      [id],
      `${name}@${version}`,
    );
  }
  // The clean neighbours of compromised releases are not flagged.
  for (const [name, version] of [['debug', '4.4.1'], ['debug', '4.4.3'], ['chalk', '5.6.0'], ['axios', '1.14.0'], ['nx', '21.4.1']] as const) {
    assert.deepEqual(index.lookup(name, version), [], `${name}@${version}`);
  }
  const ids = list.advisories.map((advisory) => advisory.id);
  assert.equal(new Set(ids).size, ids.length, 'advisory ids are unique');
  for (const advisory of list.advisories) assert.match(advisory.url, /^https:\/\//, advisory.id);
});

test('a user list loads and adds to the shipped one', async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, 'extra.json');
    await writeFile(file, JSON.stringify(userList));
    const loaded = await loadAdvisoryList(file);
    assert.deepEqual(loaded, userList);
    const merged = mergeAdvisoryLists([builtinAdvisoryList(), loaded, loaded]);
    const index = new AdvisoryIndex([merged]);
    assert.deepEqual(index.lookup('@acme/internal-lib', '2.0.1').map((advisory) => advisory.id), ['ACME-1']);
    assert.equal(index.lookup('debug', '4.4.2').length, 1);
    // The merged list is as recent as its most recent part.
    assert.equal(merged.updated, [builtinAdvisoryList().updated, loaded.updated].sort().at(-1));
  });
});

test('a user list with bad JSON, a bad field or no file is an input error naming the file', async () => {
  await withTempDir(async (dir) => {
    const badJson = join(dir, 'bad.json');
    await writeFile(badJson, '{"updated": "2026-01-01", advisories: []}');
    await assert.rejects(loadAdvisoryList(badJson), (error: unknown) => {
      assert.ok(error instanceof ReleaseInputError);
      assert.match(error.message, new RegExp(`advisory list ${badJson.replaceAll('/', '\\/')} is not valid JSON`));
      return true;
    });

    const badField = join(dir, 'range.json');
    const withRange = structuredClone(userList) as { advisories: { packages: { versions: string[] }[] }[] };
    withRange.advisories[0]!.packages[0]!.versions = ['2.0.1', '^2.0.0'];
    await writeFile(badField, JSON.stringify(withRange));
    await assert.rejects(loadAdvisoryList(badField), (error: unknown) => {
      assert.ok(error instanceof ReleaseInputError);
      assert.match(error.message, /range\.json: advisories\[0\]\.packages\[0\]\.versions\[1\] must be an exact semver version/);
      return true;
    });

    const typo = join(dir, 'typo.json');
    await writeFile(typo, JSON.stringify({ ...userList, advisories: [{ ...userList.advisories[0], packges: [] }] }));
    await assert.rejects(loadAdvisoryList(typo), /typo\.json: advisories\[0\]/);

    await assert.rejects(loadAdvisoryList(join(dir, 'missing.json')), (error: unknown) => {
      assert.ok(error instanceof ReleaseInputError);
      assert.match(error.message, /missing\.json does not exist/);
      return true;
    });
  });
});

test('the shipped list survives bundling with esbuild, as ward is published', async () => {
  await withTempDir(async (dir) => {
    const entry = join(dir, 'entry.ts');
    await writeFile(
      entry,
      `import { builtinAdvisoryList } from ${JSON.stringify(join(process.cwd(), 'src/release/advisories.ts'))};\nexport const count = builtinAdvisoryList().advisories.length;\n`,
    );
    const outfile = join(dir, 'bundle.mjs');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'silent' });
    const bundled = (await import(pathToFileURL(outfile).href)) as { count: number };
    assert.equal(bundled.count, builtinAdvisoryList().advisories.length);
  });
});
