/**
 * package.json as the gate reasons about it. Published manifests are decades of conventions, so
 * only what the gate cannot work without is strict (name, version, a well-formed `files` list);
 * legacy shapes npm itself still accepts (license objects, `licenses` arrays, `bundledDependencies`,
 * `bundleDependencies: true`) are normalised rather than refused, because refusing an ordinary
 * old package would be a false positive of the worst kind: the gate would not run at all.
 */
import { z } from 'zod';
import { ReleaseInputError } from './errors.ts';
import type { PackageManifest } from './types.ts';

const manifestSchema = z.looseObject({
  name: z
    .string({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a string') })
    .min(1, { error: 'must not be empty' }),
  version: z
    .string({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a string') })
    .min(1, { error: 'must not be empty' }),
  files: z
    .array(z.string({ error: 'must be an array of strings (paths or globs to publish)' }), {
      error: 'must be an array of strings (paths or globs to publish)',
    })
    .optional(),
});

const licenseEntrySchema = z.union([z.string(), z.looseObject({ type: z.string() })]);

/** Fixes the user is told about, by field: what to write instead. */
const fieldFixes: Readonly<Record<string, string>> = {
  name: 'set "name" to the package name, e.g. "my-package" or "@scope/my-package"',
  version: 'set "version" to a semver version, e.g. "1.0.0"',
  files: 'make "files" an array of strings, e.g. ["dist/", "README.md"], or remove it',
};

export function parseManifest(raw: unknown, where: string): PackageManifest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ReleaseInputError(
      `${where}: package.json must contain a JSON object; fix the file so it holds {"name": ..., "version": ...}`,
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'package.json');
    const fix = fieldFixes[field] ?? 'fix the field';
    throw new ReleaseInputError(`${where}: "${field}" ${issue?.message ?? 'is invalid'}; ${fix}`);
  }
  const manifest = parsed.data;
  const record = raw as Readonly<Record<string, unknown>>;
  const dependencies = stringRecord(record['dependencies']);
  const result: PackageManifest = {
    name: manifest.name,
    version: manifest.version,
    license: licenseExpression(record['license'], record['licenses']),
    private: record['private'] === true || record['private'] === 'true' ? true : undefined,
    files: manifest.files,
    scripts: stringRecord(record['scripts']),
    dependencies,
    optionalDependencies: stringRecord(record['optionalDependencies']),
    peerDependencies: stringRecord(record['peerDependencies']),
    bundleDependencies: bundledNames(record, dependencies),
    raw: record,
  };
  return result;
}

/**
 * `license: "MIT"`, the legacy `license: {type: "MIT"}`, or `licenses: [{type: "MIT"}, ...]`
 * (several licenses offered: an OR expression). Undefined when nothing usable is declared.
 */
function licenseExpression(license: unknown, licenses: unknown): string | undefined {
  const single = licenseName(license);
  if (single !== undefined) return single;
  const list = Array.isArray(license) ? license : Array.isArray(licenses) ? licenses : [licenses];
  const names = list.map(licenseName).filter((name): name is string => name !== undefined);
  if (names.length === 0) return undefined;
  return names.length === 1 ? names[0] : `(${names.join(' OR ')})`;
}

function licenseName(value: unknown): string | undefined {
  const parsed = licenseEntrySchema.safeParse(value);
  if (!parsed.success) return undefined;
  const name = (typeof parsed.data === 'string' ? parsed.data : parsed.data.type).trim();
  return name === '' ? undefined : name;
}

/**
 * A name -> string map. Non-string values are dropped (npm's own normaliser does the same for
 * scripts); the ancient array form `["dep"]` means "any version".
 */
function stringRecord(value: unknown): Readonly<Record<string, string>> {
  const result: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const name of value) if (typeof name === 'string' && name !== '') result[name] = '*';
    return result;
  }
  if (typeof value !== 'object' || value === null) return result;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'string') result[key] = entry;
  }
  return result;
}

/** `bundleDependencies` wins over the `bundledDependencies` spelling, as in npm. */
function bundledNames(record: Readonly<Record<string, unknown>>, dependencies: Readonly<Record<string, string>>): string[] {
  const value = record['bundleDependencies'] !== undefined ? record['bundleDependencies'] : record['bundledDependencies'];
  if (value === true) return Object.keys(dependencies);
  if (Array.isArray(value)) return value.filter((name): name is string => typeof name === 'string');
  if (typeof value === 'object' && value !== null) return Object.keys(value);
  return [];
}
