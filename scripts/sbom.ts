/**
 * Writes a CycloneDX 1.6 SBOM of what ward's npm package ships: `node scripts/sbom.ts OUT.json`.
 *
 * ward publishes a bundle (dist/) with its runtime dependencies inside it, so the published
 * package.json lists no dependencies and `npm sbom` would describe the development tree instead.
 * What ships is what esbuild put in the bundle: the script runs esbuild with the build's own
 * options (metafile on, nothing written), takes every node_modules package that contributed an
 * input file, and reads its version, license and integrity from package-lock.json. The
 * tree-sitter files the build copies into dist/tree-sitter/ are added from their package.
 */
import { build, version as esbuildVersion } from 'esbuild';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { TREE_SITTER_DIST_FOLDER, TREE_SITTER_FILES } from '../src/policy/shell/parser.ts';
import { wardBuildOptions } from './build-options.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const TREE_SITTER_PACKAGE = '@vscode/tree-sitter-wasm';

const manifestSchema = z.object({
  name: z.string(),
  version: z.string(),
  license: z.string(),
  dependencies: z.record(z.string(), z.string()).default({}),
  devDependencies: z.record(z.string(), z.string()).default({}),
});
const lockEntrySchema = z.object({
  version: z.string().optional(),
  resolved: z.string().optional(),
  integrity: z.string().optional(),
  // npm writes a string; anything else (old object forms) is treated as unknown.
  license: z.unknown().optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  optionalDependencies: z.record(z.string(), z.string()).optional(),
  peerDependencies: z.record(z.string(), z.string()).optional(),
});
const lockfileSchema = z.object({ lockfileVersion: z.number().min(2), packages: z.record(z.string(), lockEntrySchema) });
type LockEntry = z.infer<typeof lockEntrySchema>;

/** A package in the bundle: its name and its key in package-lock.json `packages` (its install path). */
export interface BundledPackage {
  readonly name: string;
  readonly lockKey: string;
}

/**
 * The package an esbuild input path belongs to: the last `node_modules/` segment decides, so
 * `node_modules/a/node_modules/@s/b/x.js` is `@s/b` at `node_modules/a/node_modules/@s/b`.
 */
export function packageOfInput(inputPath: string): BundledPackage | undefined {
  const path = inputPath.replaceAll('\\', '/');
  const marker = 'node_modules/';
  const at = path.lastIndexOf(marker);
  if (at === -1 || (at > 0 && path[at - 1] !== '/')) return undefined;
  const segments = path.slice(at + marker.length).split('/');
  const first = segments[0];
  if (first === undefined || first === '' || first.startsWith('.')) return undefined;
  const name = first.startsWith('@') ? (segments[1] === undefined ? undefined : `${first}/${segments[1]}`) : first;
  if (name === undefined) return undefined;
  return { name, lockKey: path.slice(0, at + marker.length) + name };
}

/** `pkg:npm/%40scope/name@1.2.3`: the purl spec percent-encodes the scope's @ and the version. */
export function npmPurl(name: string, version: string): string {
  const encodedName = name.split('/').map(encodeURIComponent).join('/');
  return `pkg:npm/${encodedName}@${encodeURIComponent(version)}`;
}

const SRI_ALGORITHMS: Readonly<Record<string, string>> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

/** `sha512-<base64>` (possibly several, space-separated) to CycloneDX hashes in hex. */
export function sriToHashes(integrity: string | undefined): { alg: string; content: string }[] {
  if (integrity === undefined) return [];
  return integrity.split(/\s+/).flatMap((entry) => {
    const match = /^(sha\d+)-([A-Za-z0-9+/]+={0,2})$/.exec(entry);
    const alg = match?.[1] === undefined ? undefined : SRI_ALGORITHMS[match[1]];
    if (match?.[2] === undefined || alg === undefined) return [];
    return [{ alg, content: Buffer.from(match[2], 'base64').toString('hex') }];
  });
}

// SPDX identifiers seen in npm packages; anything else is given as a name or an expression,
// both valid CycloneDX, so no license string is ever dropped or mislabelled.
const SPDX_IDS = new Set(['MIT', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'Unlicense', 'CC0-1.0', 'CC-BY-3.0', 'CC-BY-4.0', 'MPL-2.0', 'BlueOak-1.0.0', 'Python-2.0', 'Zlib', 'Artistic-2.0', 'WTFPL', 'LGPL-3.0-only', 'LGPL-3.0-or-later', 'GPL-3.0-only', 'GPL-3.0-or-later']);

export function cyclonedxLicenses(license: unknown): unknown[] {
  if (typeof license !== 'string' || license.trim() === '') return [];
  const text = license.trim();
  if (SPDX_IDS.has(text)) return [{ license: { id: text } }];
  if (/\s(OR|AND|WITH)\s/.test(text) || text.startsWith('(')) return [{ expression: text }];
  return [{ license: { name: text } }];
}

/** The lockfile key `name` resolves to from the package at `fromKey`, the way Node looks up node_modules. */
function resolveInLock(fromKey: string, name: string, packages: Readonly<Record<string, LockEntry>>): string | undefined {
  let dir = fromKey;
  for (;;) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (packages[candidate] !== undefined) return candidate;
    if (dir === '') return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut === -1 ? '' : dir.slice(0, cut);
  }
}

async function bundledPackages(version: string): Promise<Map<string, BundledPackage>> {
  const result = await build({ ...wardBuildOptions(version), absWorkingDir: REPO_ROOT, outdir: 'dist', metafile: true, write: false, logLevel: 'error' });
  const found = new Map<string, BundledPackage>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const pkg = packageOfInput(input);
    if (pkg !== undefined) found.set(pkg.lockKey, pkg);
  }
  return found;
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export async function generateSbom(): Promise<Record<string, unknown>> {
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')));
  const lock = lockfileSchema.parse(JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')));
  const packages = lock.packages;

  const shipped = await bundledPackages(manifest.version);
  // Not bundled but copied beside the bundle by scripts/build.ts (the parser's WASM runtime).
  const treeSitterKey = `node_modules/${TREE_SITTER_PACKAGE}`;
  shipped.set(treeSitterKey, { name: TREE_SITTER_PACKAGE, lockKey: treeSitterKey });

  const refs = new Map<string, string>();
  const components: Record<string, unknown>[] = [];
  for (const pkg of [...shipped.values()].sort((a, b) => a.lockKey.localeCompare(b.lockKey))) {
    const entry = packages[pkg.lockKey];
    if (entry?.version === undefined) throw new Error(`${pkg.lockKey} is in the bundle but not in package-lock.json: run npm install and try again`);
    const purl = npmPurl(pkg.name, entry.version);
    refs.set(pkg.lockKey, purl);
    // The same name@version installed at two paths is one component.
    if (components.some((component) => component['bom-ref'] === purl)) continue;
    const component: Record<string, unknown> = {
      type: 'library',
      'bom-ref': purl,
      name: pkg.name,
      version: entry.version,
      scope: 'required',
      purl,
      licenses: cyclonedxLicenses(entry.license),
      hashes: sriToHashes(entry.integrity),
      ...(entry.resolved === undefined ? {} : { externalReferences: [{ type: 'distribution', url: entry.resolved }] }),
    };
    if (pkg.name === TREE_SITTER_PACKAGE) {
      // Where the build copies them from: the folder of the package's entry (src/policy/shell/parser.ts).
      const folder = dirname(createRequire(join(REPO_ROOT, 'package.json')).resolve(TREE_SITTER_PACKAGE));
      component.components = TREE_SITTER_FILES.map((file) => ({
        type: 'file',
        'bom-ref': `${purl}#${file}`,
        name: `dist/${TREE_SITTER_DIST_FOLDER}/${file}`,
        hashes: [{ alg: 'SHA-256', content: sha256File(join(folder, file)) }],
      }));
    }
    components.push(component);
  }

  const rootRef = npmPurl(manifest.name, manifest.version);
  const dependsOn = (fromKey: string, names: Iterable<string>): string[] => {
    const out = new Set<string>();
    for (const name of names) {
      const key = resolveInLock(fromKey, name, packages);
      const ref = key === undefined ? undefined : refs.get(key);
      if (ref !== undefined) out.add(ref);
    }
    return [...out].sort();
  };
  const dependencies = [...shipped.values()].map((pkg) => {
    const entry = packages[pkg.lockKey];
    const names = [...Object.keys(entry?.dependencies ?? {}), ...Object.keys(entry?.optionalDependencies ?? {}), ...Object.keys(entry?.peerDependencies ?? {})];
    return { ref: refs.get(pkg.lockKey) ?? '', dependsOn: dependsOn(pkg.lockKey, names) };
  });
  // ward depends on what it names itself, and on anything shipped that nothing else pulls in.
  const direct = new Set(dependsOn('', [...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)]));
  const reached = new Set(dependencies.flatMap((dependency) => dependency.dependsOn));
  for (const ref of refs.values()) if (!reached.has(ref)) direct.add(ref);
  const uniqueDependencies = [...new Map(dependencies.map((dependency) => [dependency.ref, dependency])).values()].sort((a, b) => a.ref.localeCompare(b.ref));

  const epoch = process.env.SOURCE_DATE_EPOCH;
  const timestamp = (epoch !== undefined && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date()).toISOString();
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp,
      tools: {
        components: [
          { type: 'application', group: 'ward-agent', name: 'scripts/sbom.ts', version: manifest.version },
          { type: 'application', name: 'esbuild', version: esbuildVersion },
        ],
      },
      component: { type: 'application', 'bom-ref': rootRef, name: manifest.name, version: manifest.version, purl: rootRef, licenses: cyclonedxLicenses(manifest.license) },
    },
    components,
    dependencies: [{ ref: rootRef, dependsOn: [...direct].sort() }, ...uniqueDependencies],
  };
}

if (import.meta.main) {
  const out = process.argv[2];
  if (out === undefined || process.argv.length > 3) {
    process.stderr.write('usage: node scripts/sbom.ts OUT.json   (writes a CycloneDX 1.6 SBOM of the published package)\n');
    process.exit(2);
  }
  const sbom = await generateSbom();
  const path = resolve(out);
  writeFileSync(path, `${JSON.stringify(sbom, null, 2)}\n`);
  process.stdout.write(`sbom: ${(sbom.components as unknown[]).length} components -> ${path}\n`);
}
