/**
 * Finds and validates the release gate's configuration: package.json `"ward": {"releaseCheck":
 * {...}}` or `.ward/release-check.json` in the package directory, or a file named with
 * `--config`. Exactly one source: two would leave a reader guessing which one wins.
 *
 * Every problem is a ReleaseInputError (exit 2) naming the file, the field and what is wrong,
 * because a configuration the gate half-understood could silently drop a check.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { releaseCheckConfigSchema, defaultReleaseCheckConfig, type ReleaseCheckConfig } from './config-schema.ts';
import { ReleaseInputError } from './errors.ts';
import { RULE_HELP } from './report/rule-help.ts';

export interface LoadedReleaseCheckConfig {
  readonly config: ReleaseCheckConfig;
  /** Where it came from, for the report: 'package.json (ward.releaseCheck)', a file path, or 'defaults'. */
  readonly source: string;
}

/** The configuration file's place inside a package directory. */
export const CONFIG_FILE = '.ward/release-check.json';
const MANIFEST_SOURCE = 'package.json (ward.releaseCheck)';

/**
 * `packageDir` is undefined for a .tgz target: only the packed package.json counts then (a
 * tarball's own .ward/ folder, if it shipped one, is package content, not configuration).
 */
export async function loadReleaseCheckConfig(packageDir: string | undefined, manifestRaw: Readonly<Record<string, unknown>>): Promise<LoadedReleaseCheckConfig> {
  const fromManifest = manifestSection(manifestRaw);
  const fileText = packageDir === undefined ? undefined : await readOptional(join(packageDir, CONFIG_FILE), CONFIG_FILE);

  if (fromManifest !== undefined && fileText !== undefined) {
    throw new ReleaseInputError(
      `the release check is configured twice: in package.json ("ward": {"releaseCheck": ...}) and in ${CONFIG_FILE}. Keep one of them and delete the other.`,
    );
  }
  if (fromManifest !== undefined) {
    return { config: validate(fromManifest, 'package.json', ['ward', 'releaseCheck']), source: MANIFEST_SOURCE };
  }
  if (fileText !== undefined) {
    return { config: validate(parseJson(fileText, CONFIG_FILE), CONFIG_FILE, []), source: CONFIG_FILE };
  }
  return { config: defaultReleaseCheckConfig(), source: 'defaults' };
}

/** `--config FILE`: the file must exist; it replaces any configuration the package carries. */
export async function loadReleaseCheckConfigFile(path: string): Promise<LoadedReleaseCheckConfig> {
  const text = await readOptional(path, path);
  if (text === undefined) throw new ReleaseInputError(`${path}: no such configuration file. Check the path given to --config.`);
  return { config: validate(parseJson(text, path), path, []), source: path };
}

/** The `ward.releaseCheck` value, or undefined when package.json has none. */
function manifestSection(raw: Readonly<Record<string, unknown>>): unknown {
  const ward = raw.ward;
  // `ward` may be another tool's key with another shape; only an object with releaseCheck is ours.
  if (typeof ward !== 'object' || ward === null || Array.isArray(ward)) return undefined;
  return (ward as Record<string, unknown>).releaseCheck;
}

async function readOptional(path: string, where: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    // ENOTDIR: `.ward` is a file, so there is no configuration inside it.
    if (isErrnoCode(error, 'ENOENT') || isErrnoCode(error, 'ENOTDIR')) return undefined;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ReleaseInputError(`${where}: cannot be read: ${reason}`, { cause: error });
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    // Editors on Windows like to start a file with a byte order mark; JSON.parse does not.
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ReleaseInputError(`${where}: not valid JSON: ${reason}`, { cause: error });
  }
}

function validate(value: unknown, where: string, prefix: readonly string[]): ReleaseCheckConfig {
  const parsed = releaseCheckConfigSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => describeIssue(issue, where, prefix));
    throw new ReleaseInputError(problems.join('\n'));
  }
  const unknownRules = parsed.data.ignoreRules.flatMap((rule, index) => (Object.hasOwn(RULE_HELP, rule) ? [] : [{ rule, index }]));
  if (unknownRules.length > 0) {
    throw new ReleaseInputError(
      unknownRules.map(({ rule, index }) => `${where}: ${formatPath([...prefix, 'ignoreRules', index])}: unknown rule "${rule}"; ${suggestRule(rule)}`).join('\n'),
    );
  }
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue, where: string, prefix: readonly string[]): string {
  const path = formatPath([...prefix, ...issue.path]);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(issue.path);
    if (known.length > 0) message += ` (the known keys here are: ${known.join(', ')})`;
  }
  return path === '' ? `${where}: ${message}` : `${where}: ${path}: ${message}`;
}

/** `allow.registries[0]`: the path the way a reader would type it into the JSON. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** The keys the schema accepts at a path into the configuration, to list beside an unknown one. */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType = releaseCheckConfigSchema;
  for (const segment of [...path, undefined]) {
    while (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) schema = schema.unwrap();
    if (!(schema instanceof z.ZodObject)) return [];
    if (segment === undefined) return Object.keys(schema.shape);
    const next = (schema.shape as Record<string, z.core.$ZodType | undefined>)[String(segment)];
    if (next === undefined) return [];
    schema = next;
  }
  return [];
}

function suggestRule(rule: string): string {
  const known = Object.keys(RULE_HELP);
  const closest = known
    .map((candidate) => ({ candidate, distance: editDistance(rule, candidate) }))
    .sort((a, b) => a.distance - b.distance)[0];
  if (closest !== undefined && closest.distance <= 3) return `did you mean "${closest.candidate}"?`;
  return `the rules are: ${known.join(', ')}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function isErrnoCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
