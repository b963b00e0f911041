/**
 * Advisory lists: package versions known to be malicious (compromised releases, not ordinary
 * vulnerabilities), matched by exact name and version against the lockfile. ward ships one
 * (advisories.json, every entry citing the public source its versions were taken from) and
 * users may add their own files in the same format through the `advisories` configuration.
 *
 * Exact versions only, never ranges: a compromise publishes specific versions, and a range
 * would flag the clean releases around them, a false positive that teaches people to ignore
 * the finding.
 */
import { readFile } from 'node:fs/promises';
import semver from 'semver';
import { z } from 'zod';
import builtinAdvisoryJson from './advisories.json' with { type: 'json' };
import { ReleaseInputError } from './errors.ts';

const isoDate = z.iso.date({ error: 'must be a date written YYYY-MM-DD' });

const advisoryPackageSchema = z.strictObject({
  name: z.string().min(1, { error: 'must not be empty' }),
  versions: z
    .array(
      z.string().refine((version) => semver.valid(version) === version, {
        error: 'must be an exact semver version such as "4.4.2" (ranges are not accepted)',
      }),
    )
    .min(1, { error: 'must list at least one version' }),
});

const advisorySchema = z.strictObject({
  id: z.string().min(1, { error: 'must not be empty' }),
  summary: z.string().min(1, { error: 'must not be empty' }),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of the source' }),
  published: isoDate,
  packages: z.array(advisoryPackageSchema).min(1, { error: 'must list at least one package' }),
});

export const advisoryListSchema = z.strictObject({
  updated: isoDate,
  advisories: z.array(advisorySchema),
});

export type AdvisoryList = z.infer<typeof advisoryListSchema>;
export type Advisory = AdvisoryList['advisories'][number];

let builtin: AdvisoryList | undefined;

/** The list shipped with ward. Validated once: a broken entry is a bug in ward, not user input. */
export function builtinAdvisoryList(): AdvisoryList {
  if (builtin === undefined) {
    const parsed = advisoryListSchema.safeParse(builtinAdvisoryJson);
    if (!parsed.success) throw new Error(`ward's own advisories.json is invalid:\n${z.prettifyError(parsed.error)}`);
    builtin = parsed.data;
  }
  return builtin;
}

/** A user's extra advisory file; every problem names the file and, for schema errors, the field. */
export async function loadAdvisoryList(path: string): Promise<AdvisoryList> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`;
    throw new ReleaseInputError(`advisory list ${path} ${what}; fix the path in the "advisories" setting`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ReleaseInputError(`advisory list ${path} is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = advisoryListSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined || issue.path.length === 0 ? '(top level)' : fieldPath(issue.path);
    throw new ReleaseInputError(
      `advisory list ${path}: ${field} ${issue?.message ?? 'is invalid'}; the format is ` +
        '{"updated": "YYYY-MM-DD", "advisories": [{"id", "summary", "url", "published", "packages": [{"name", "versions": ["1.2.3"]}]}]}',
    );
  }
  return parsed.data;
}

/** `advisories[2].packages[0].versions[1]`, the way a user finds it in the file. */
function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out === '' ? '' : '.'}${String(part)}`;
  return out;
}

/** One lookup structure over several lists (ward's own plus the user's). */
export class AdvisoryIndex {
  private readonly byPackage = new Map<string, Map<string, Advisory[]>>();

  constructor(lists: readonly AdvisoryList[]) {
    for (const list of lists) {
      for (const advisory of list.advisories) {
        for (const pkg of advisory.packages) {
          let versions = this.byPackage.get(pkg.name);
          if (versions === undefined) {
            versions = new Map();
            this.byPackage.set(pkg.name, versions);
          }
          for (const version of pkg.versions) {
            const known = versions.get(version) ?? [];
            // The same advisory listed twice (ward's list and a user's copy of it) reports once.
            if (!known.some((other) => other.id === advisory.id)) known.push(advisory);
            versions.set(version, known);
          }
        }
      }
    }
  }

  /** Advisories naming exactly this version of this package. */
  lookup(name: string, version: string): readonly Advisory[] {
    return this.byPackage.get(name)?.get(version) ?? [];
  }
}

/** Several lists as one (ward's own plus the user's files), for checks that take a single list. */
export function mergeAdvisoryLists(lists: readonly AdvisoryList[]): AdvisoryList {
  let updated = '0000-01-01';
  for (const list of lists) if (list.updated > updated) updated = list.updated;
  return { updated, advisories: lists.flatMap((list) => list.advisories) };
}
