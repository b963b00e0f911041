/**
 * scripts/sbom.ts: the CycloneDX SBOM of ward's release describes what the package ships (the
 * packages bundled into dist/ and the tree-sitter files copied beside it), with the versions,
 * licenses and hashes of package-lock.json, and not the development tools.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { cyclonedxLicenses, npmPurl, packageOfInput, sriToHashes } from '../../scripts/sbom.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

const hash = z.strictObject({ alg: z.enum(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']), content: z.string().regex(/^[0-9a-f]+$/) });
const license = z.union([z.strictObject({ license: z.union([z.strictObject({ id: z.string() }), z.strictObject({ name: z.string() })]) }), z.strictObject({ expression: z.string() })]);
const fileComponent = z.strictObject({ type: z.literal('file'), 'bom-ref': z.string(), name: z.string(), hashes: z.array(hash).min(1) });
const libraryComponent = z.strictObject({
  type: z.literal('library'),
  'bom-ref': z.string(),
  name: z.string(),
  version: z.string(),
  scope: z.literal('required'),
  purl: z.string().regex(/^pkg:npm\/(%40[^/]+\/)?[^/@]+@[^@]+$/),
  licenses: z.array(license),
  hashes: z.array(hash),
  externalReferences: z.array(z.strictObject({ type: z.literal('distribution'), url: z.url() })).optional(),
  components: z.array(fileComponent).optional(),
});
const cyclonedx = z.strictObject({
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.literal('1.6'),
  serialNumber: z.string().regex(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  version: z.literal(1),
  metadata: z.strictObject({
    timestamp: z.iso.datetime(),
    tools: z.strictObject({ components: z.array(z.object({ type: z.literal('application'), name: z.string(), version: z.string() })).min(1) }),
    component: z.strictObject({ type: z.literal('application'), 'bom-ref': z.string(), name: z.string(), version: z.string(), purl: z.string(), licenses: z.array(license).min(1) }),
  }),
  components: z.array(libraryComponent),
  dependencies: z.array(z.strictObject({ ref: z.string(), dependsOn: z.array(z.string()) })),
});

const lockSchema = z.object({ packages: z.record(z.string(), z.object({ version: z.string().optional(), integrity: z.string().optional(), license: z.string().optional() })) });

test('the SBOM lists the bundled runtime packages with their lockfile versions, licenses and hashes, and no development tools', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-sbom-'));
  try {
    const out = join(dir, 'ward.cdx.json');
    // From another working directory: the script must find the repository on its own.
    const result = await run(process.execPath, [join(REPO_ROOT, 'scripts', 'sbom.ts'), out], { cwd: dir, env: { ...process.env, SOURCE_DATE_EPOCH: '1767225600' } });
    assert.match(result.stdout, /sbom: \d+ components -> .*ward\.cdx\.json/);
    const sbom = cyclonedx.parse(JSON.parse(readFileSync(out, 'utf8')));
    const pkg = z.object({ name: z.string(), version: z.string() }).parse(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')));
    const lock = lockSchema.parse(JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')));

    assert.equal(sbom.metadata.timestamp, '2026-01-01T00:00:00.000Z', 'SOURCE_DATE_EPOCH makes the timestamp reproducible');
    assert.equal(sbom.metadata.component.name, 'ward-agent');
    assert.equal(sbom.metadata.component.version, pkg.version);
    assert.equal(sbom.metadata.component.purl, `pkg:npm/ward-agent@${pkg.version}`);
    assert.deepEqual(sbom.metadata.component.licenses, [{ license: { id: 'Apache-2.0' } }]);

    const byName = new Map(sbom.components.map((component) => [component.name, component]));
    for (const name of ['zod', 'openai', '@anthropic-ai/sdk', '@vscode/tree-sitter-wasm']) {
      const component = byName.get(name);
      const locked = lock.packages[`node_modules/${name}`];
      assert.ok(component !== undefined, `${name} ships, so the SBOM lists it`);
      assert.equal(component.version, locked?.version, `${name} at its lockfile version`);
      assert.deepEqual(component.licenses, [{ license: { id: locked?.license } }]);
      const sha512 = Buffer.from((locked?.integrity ?? '').replace(/^sha512-/, ''), 'base64').toString('hex');
      assert.deepEqual(component.hashes, [{ alg: 'SHA-512', content: sha512 }]);
    }
    assert.equal(byName.get('@anthropic-ai/sdk')?.purl, `pkg:npm/%40anthropic-ai/sdk@${lock.packages['node_modules/@anthropic-ai/sdk']?.version ?? ''}`);
    for (const tool of ['typescript', 'eslint', 'esbuild', 'fast-check', 'typescript-eslint', 'node', '@types/node']) {
      assert.equal(byName.has(tool), false, `${tool} is a development tool and does not ship`);
    }

    const treeSitterFiles = byName.get('@vscode/tree-sitter-wasm')?.components ?? [];
    assert.deepEqual(treeSitterFiles.map((file) => file.name).sort(), ['dist/tree-sitter/tree-sitter-bash.wasm', 'dist/tree-sitter/tree-sitter.js', 'dist/tree-sitter/tree-sitter.wasm']);
    if (existsSync(join(REPO_ROOT, 'dist', 'tree-sitter'))) {
      for (const file of treeSitterFiles) {
        const shipped = createHash('sha256').update(readFileSync(join(REPO_ROOT, file.name))).digest('hex');
        assert.deepEqual(file.hashes, [{ alg: 'SHA-256', content: shipped }], `${file.name} as the build copies it`);
      }
    }

    const refs = new Set([sbom.metadata.component['bom-ref'], ...sbom.components.map((component) => component['bom-ref'])]);
    for (const dependency of sbom.dependencies) {
      assert.ok(refs.has(dependency.ref), `${dependency.ref} is a component`);
      for (const target of dependency.dependsOn) assert.ok(refs.has(target), `${dependency.ref} -> ${target} is a component`);
    }
    const root = sbom.dependencies.find((dependency) => dependency.ref === sbom.metadata.component['bom-ref']);
    assert.ok(root?.dependsOn.includes(npmPurl('zod', lock.packages['node_modules/zod']?.version ?? '')));
    assert.ok(root?.dependsOn.includes(npmPurl('@vscode/tree-sitter-wasm', lock.packages['node_modules/@vscode/tree-sitter-wasm']?.version ?? '')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the script refuses to run without an output path', async () => {
  await assert.rejects(run(process.execPath, [join(REPO_ROOT, 'scripts', 'sbom.ts')], { cwd: REPO_ROOT }), (error: unknown) => {
    assert.ok(error instanceof Error && 'code' in error && error.code === 2);
    assert.match(String((error as { stderr?: unknown }).stderr), /usage: node scripts\/sbom\.ts OUT\.json/);
    return true;
  });
});

test('a bundle input path names its package, scoped or nested', () => {
  assert.deepEqual(packageOfInput('node_modules/zod/v4/core/index.js'), { name: 'zod', lockKey: 'node_modules/zod' });
  assert.deepEqual(packageOfInput('node_modules/@anthropic-ai/sdk/client.mjs'), { name: '@anthropic-ai/sdk', lockKey: 'node_modules/@anthropic-ai/sdk' });
  assert.deepEqual(packageOfInput('node_modules/a/node_modules/@s/b/lib/x.js'), { name: '@s/b', lockKey: 'node_modules/a/node_modules/@s/b' });
  assert.deepEqual(packageOfInput('node_modules/a/node_modules/c/x.js'), { name: 'c', lockKey: 'node_modules/a/node_modules/c' });
  assert.equal(packageOfInput('src/cli/main.ts'), undefined);
  assert.equal(packageOfInput('src/not_node_modules/x.ts'), undefined);
  assert.equal(packageOfInput('node_modules/.cache/x.js'), undefined);
});

test('lockfile integrity, names and licenses become CycloneDX values', () => {
  const bytes = createHash('sha512').update('x').digest();
  assert.deepEqual(sriToHashes(`sha512-${bytes.toString('base64')}`), [{ alg: 'SHA-512', content: bytes.toString('hex') }]);
  assert.deepEqual(sriToHashes('md5-AAAA'), [], 'an algorithm CycloneDX has no name for here is left out, not mislabelled');
  assert.deepEqual(sriToHashes(undefined), []);
  assert.equal(npmPurl('@scope/name', '1.0.0+build.1'), 'pkg:npm/%40scope/name@1.0.0%2Bbuild.1');
  assert.deepEqual(cyclonedxLicenses('MIT'), [{ license: { id: 'MIT' } }]);
  assert.deepEqual(cyclonedxLicenses('(MIT OR Apache-2.0)'), [{ expression: '(MIT OR Apache-2.0)' }]);
  assert.deepEqual(cyclonedxLicenses('SEE LICENSE IN LICENSE.txt'), [{ license: { name: 'SEE LICENSE IN LICENSE.txt' } }]);
  assert.deepEqual(cyclonedxLicenses(undefined), []);
});
