/**
 * The lockfile (package-lock.json or npm-shrinkwrap.json) describes every package that building
 * or installing this one pulls in. The gate looks for what lets code in without a checksum or
 * from outside the expected registry: entries without integrity, foreign registries, git,
 * plain-http and file dependencies, packages that run install scripts, and versions named in an
 * advisory list of known malicious releases.
 *
 * Lockfile versions 2 and 3 are read from their `packages` map (keyed by install location);
 * version 1 from its nested `dependencies`, where a non-registry source sits in `version`.
 * Entries that legitimately carry no checksum are skipped: the root, workspace sources and
 * links, and packages inside a bundled dependency (they ship inside their parent's tarball).
 */
import path from 'node:path';
import semver from 'semver';
import { z } from 'zod';
import { AdvisoryIndex, type AdvisoryList } from '../advisories.ts';
import type { ReleaseCheckConfig } from '../config-schema.ts';
import type { Finding } from '../types.ts';

const flag = z.boolean().optional();

const packageEntrySchema = z.looseObject({
  name: z.string().optional(),
  version: z.string().optional(),
  resolved: z.string().optional(),
  integrity: z.string().optional(),
  link: flag,
  inBundle: flag,
  hasInstallScript: flag,
});

interface V1Entry {
  version?: string | undefined;
  resolved?: string | undefined;
  integrity?: string | undefined;
  bundled?: boolean | undefined;
  dependencies?: Record<string, V1Entry> | undefined;
}

const v1EntrySchema: z.ZodType<V1Entry> = z.looseObject({
  version: z.string().optional(),
  resolved: z.string().optional(),
  integrity: z.string().optional(),
  bundled: flag,
  get dependencies() {
    return z.record(z.string(), v1EntrySchema).optional();
  },
});

const lockfileSchema = z.looseObject({
  lockfileVersion: z.number().int().optional(),
  packages: z.record(z.string(), packageEntrySchema).optional(),
  dependencies: z.record(z.string(), v1EntrySchema).optional(),
});

/** One installed package, whatever the lockfile version. */
interface LockEntry {
  /** Install location, `node_modules/a/node_modules/b`. */
  readonly location: string;
  readonly name: string;
  readonly version: string | undefined;
  readonly resolved: string | undefined;
  readonly integrity: string | undefined;
  /** A symlink to a directory (workspace or `file:` directory dependency). */
  readonly link: boolean;
  readonly bundled: boolean;
  readonly hasInstallScript: boolean;
  readonly line: number | undefined;
}

type Source = 'registry' | 'git' | 'insecure' | 'file' | 'none' | 'other';

const GIT_PREFIXES = ['git+ssh:', 'git+https:', 'git+file:', 'github:', 'gitlab:', 'bitbucket:', 'gist:'];
const INSECURE_GIT_PREFIXES = ['git:', 'git+http:'];
const LIST_LIMIT = 20;

/** `lockfilePath` is only used to name the file in findings; the caller reads the text. */
export function checkLockfile(
  lockfilePath: string,
  lockfileText: string,
  config: ReleaseCheckConfig,
  advisories: AdvisoryList,
): Finding[] {
  const file = lockfilePath;
  let raw: unknown;
  try {
    raw = JSON.parse(lockfileText);
  } catch (error) {
    return [unreadable(file, `it is not valid JSON (${(error as Error).message})`, 'regenerate it with `npm install --package-lock-only`')];
  }
  const parsed = lockfileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined || issue.path.length === 0 ? 'the top level' : issue.path.map(String).join(' → ');
    return [unreadable(file, `it is not an npm lockfile (${field}: ${issue?.message ?? 'invalid'})`, 'regenerate it with npm 7 or later (`npm install --package-lock-only`)')];
  }
  const lockfile = parsed.data;
  const lines = lockfileText.split('\n');
  let entries: LockEntry[];
  // Version 1 predates integrity for some entries (npm 4 and older never wrote it); npm 7+
  // fills missing checksums in from the registry when it installs such a lockfile.
  let legacy = false;
  if (lockfile.packages !== undefined) entries = entriesFromPackages(lockfile.packages, keyLines(lines));
  else if (lockfile.dependencies !== undefined) {
    entries = entriesFromV1(lockfile.dependencies, lines);
    legacy = true;
  }
  // `{}` is what npm itself accepts as an empty shrinkwrap: nothing installed, nothing to check.
  else if (lockfile.lockfileVersion !== undefined || Object.keys(lockfile).length === 0) entries = [];
  else return [unreadable(file, 'it has neither "packages" nor "dependencies"', 'regenerate it with npm 7 or later (`npm install --package-lock-only`)')];

  const registries = allowedRegistries(config.allow.registries);
  const index = new AdvisoryIndex([advisories]);
  const findings: Finding[] = [];
  const missingIntegrity: LockEntry[] = [];
  const foreign = new Map<string, LockEntry[]>();
  const installScripts: LockEntry[] = [];

  for (const entry of entries) {
    if (entry.link) {
      if (escapesProject(entry.resolved)) findings.push(fileDependency(file, entry));
      continue;
    }
    for (const advisory of entry.version === undefined ? [] : index.lookup(entry.name, entry.version)) {
      findings.push({
        rule: 'lockfile-advisory',
        severity: 'error',
        file,
        line: entry.line,
        reason: `${entry.name}@${entry.version ?? ''} (at ${entry.location}) is a known malicious release (${advisory.id}): ${advisory.summary}`,
        fix:
          `move to a version of ${entry.name} that is not listed and regenerate the lockfile; treat every machine that installed ` +
          `${entry.name}@${entry.version ?? ''} as compromised and rotate the tokens it held. Details: ${advisory.url}`,
      });
    }
    if (entry.hasInstallScript) installScripts.push(entry);
    const resolved = effectiveResolved(entry.resolved);
    const source = sourceOf(resolved);
    if (source === 'git') findings.push(gitDependency(file, entry));
    else if (source === 'insecure') findings.push(httpDependency(file, entry));
    // A tarball vendored inside the project is as reproducible as the rest of it; one outside is not.
    else if (source === 'file' && escapesProject(entry.resolved)) findings.push(fileDependency(file, entry));
    else if (source === 'registry' && resolved !== undefined && !registries.some((prefix) => resolved.startsWith(prefix))) {
      const origin = URL.canParse(resolved) ? new URL(resolved).origin : resolved;
      foreign.set(origin, [...(foreign.get(origin) ?? []), entry]);
    }
    // Git and file sources carry no checksum by design (reported above); bundled packages ship inside their parent.
    if (entry.integrity === undefined && !entry.bundled && (source === 'registry' || source === 'none')) {
      missingIntegrity.push(entry);
    }
  }

  if (missingIntegrity.length > 0) {
    findings.push({
      rule: 'lockfile-missing-integrity',
      severity: legacy ? 'info' : 'warning',
      file,
      line: missingIntegrity[0]?.line,
      reason: legacy
        ? `${count(missingIntegrity.length, 'entry has', 'entries have')} no "integrity" checksum in this lockfile version 1, so npm takes them from the registry at install time instead of pinning them: ${list(missingIntegrity)}.`
        : `${count(missingIntegrity.length, 'entry has', 'entries have')} no "integrity" checksum, so npm installs whatever bytes it is served for them: ${list(missingIntegrity)}.`,
      fix: 'regenerate the lockfile with npm 7 or later so it records checksums (`rm package-lock.json && npm install`), and make sure your registry returns dist.integrity.',
    });
  }
  for (const [origin, group] of foreign) {
    findings.push({
      rule: 'lockfile-foreign-registry',
      severity: 'warning',
      file,
      line: group[0]?.line,
      reason: `${count(group.length, 'package resolves', 'packages resolve')} to ${origin}, which is not an allowed registry: ${list(group)}.`,
      fix: `if ${origin} is your registry, add it to "allow.registries" in the release-check configuration; otherwise reinstall these packages from the public registry and regenerate the lockfile.`,
    });
  }
  findings.push(...installScriptFindings(file, installScripts, config.allow.installScripts));
  return findings;
}

function entriesFromPackages(packages: Readonly<Record<string, z.infer<typeof packageEntrySchema>>>, lineOf: ReadonlyMap<string, number>): LockEntry[] {
  const entries: LockEntry[] = [];
  for (const [location, entry] of Object.entries(packages)) {
    // The root, and workspace sources (keyed by their folder, not by a node_modules path).
    if (!location.includes('node_modules/')) continue;
    entries.push({
      location,
      name: entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length),
      version: entry.version,
      resolved: entry.resolved,
      integrity: entry.integrity,
      link: entry.link === true,
      bundled: entry.inBundle === true,
      hasInstallScript: entry.hasInstallScript === true,
      line: lineOf.get(location),
    });
  }
  return entries;
}

/** Version 1 nests dependencies; a non-registry source (git URL, `file:`) is written in `version`. */
function entriesFromV1(dependencies: Readonly<Record<string, V1Entry>>, lines: readonly string[]): LockEntry[] {
  const entries: LockEntry[] = [];
  const walk = (deps: Readonly<Record<string, V1Entry>>, parent: string, parentLine: number, parentBundled: boolean): void => {
    // Siblings share an indentation; requiring it skips same-named keys nested in an earlier sibling.
    let cursor = parentLine;
    let indent: number | undefined;
    for (const [name, entry] of Object.entries(deps)) {
      const location = `${parent}node_modules/${name}`;
      const found = findKeyLine(lines, name, cursor, indent);
      const line = found?.line;
      if (found !== undefined) {
        cursor = found.line;
        indent = found.indent;
      }
      const spec = entry.version ?? '';
      const isVersion = semver.valid(spec) !== null;
      const bundled = parentBundled || entry.bundled === true;
      const directory = spec.startsWith('file:') && entry.integrity === undefined && !/\.(tgz|tar\.gz|tar)$/.test(spec);
      entries.push({
        location,
        name,
        version: isVersion ? spec : undefined,
        resolved: directory ? spec.slice('file:'.length) : (entry.resolved ?? (isVersion ? undefined : spec)),
        integrity: entry.integrity,
        link: directory,
        bundled,
        hasInstallScript: false,
        line,
      });
      if (entry.dependencies !== undefined) walk(entry.dependencies, `${location}/`, line ?? parentLine, bundled);
    }
  };
  walk(dependencies, '', 0, false);
  return entries;
}

function sourceOf(resolved: string | undefined): Source {
  if (resolved === undefined) return 'none';
  const lower = resolved.toLowerCase();
  if (INSECURE_GIT_PREFIXES.some((prefix) => lower.startsWith(prefix)) || lower.startsWith('http:')) return 'insecure';
  if (GIT_PREFIXES.some((prefix) => lower.startsWith(prefix))) return 'git';
  if (lower.startsWith('https:')) return 'registry';
  if (lower.startsWith('file:')) return 'file';
  return 'other';
}

/** A link or `file:` directory outside the project: code from wherever that path points on the build machine. */
function escapesProject(resolved: string | undefined): boolean {
  if (resolved === undefined) return false;
  const target = resolved.replace(/^file:/, '');
  if (path.posix.isAbsolute(target) || path.win32.isAbsolute(target)) return true;
  return path.posix.normalize(target.replaceAll('\\', '/')).startsWith('../');
}

function allowedRegistries(configured: readonly string[]): string[] {
  return configured.map((registry) => (registry.endsWith('/') ? registry : `${registry}/`));
}

/**
 * A `resolved` URL as npm (7+, @npmcli/arborist) actually fetches it: yarn's registry hostname is
 * rewritten to https://registry.npmjs.org/, and any registry.npmjs.org URL is rewritten to the
 * configured registry's protocol and host (replace-registry-host defaults to "npmjs"). So an
 * old lockfile's http://registry.npmjs.org/ URL is fetched over https, and is not reported as
 * plain http.
 */
export function effectiveResolved(resolved: string | undefined): string | undefined {
  if (resolved === undefined) return undefined;
  const yarn = /^https?:\/\/registry\.yarnpkg\.com\//i;
  if (yarn.test(resolved)) return resolved.replace(yarn, 'https://registry.npmjs.org/');
  return resolved.replace(/^http:\/\/registry\.npmjs\.org\//i, 'https://registry.npmjs.org/');
}

function gitDependency(file: string, entry: LockEntry): Finding {
  return {
    rule: 'lockfile-git-dependency',
    severity: 'warning',
    file,
    line: entry.line,
    reason: `${entry.name} (at ${entry.location}) is installed from git (${entry.resolved ?? ''}): no registry checksum, and npm runs its prepare script to build it.`,
    fix: `depend on a published version of ${entry.name} instead, or pin the git dependency to a full commit hash you have reviewed.`,
  };
}

function httpDependency(file: string, entry: LockEntry): Finding {
  return {
    rule: 'lockfile-http-dependency',
    severity: 'error',
    file,
    line: entry.line,
    reason: `${entry.name} (at ${entry.location}) is downloaded over an unencrypted connection (${entry.resolved ?? ''}): anyone on the network path can replace it.`,
    fix: `switch the source of ${entry.name} to https (or to the registry) and regenerate the lockfile.`,
  };
}

function fileDependency(file: string, entry: LockEntry): Finding {
  return {
    rule: 'lockfile-file-dependency',
    severity: 'warning',
    file,
    line: entry.line,
    reason: `${entry.name} (at ${entry.location}) comes from a local path outside the project (${entry.resolved ?? ''}): what gets installed depends on the build machine.`,
    fix: `publish ${entry.name} and depend on the published version, or move it into the project as a workspace.`,
  };
}

function installScriptFindings(file: string, entries: readonly LockEntry[], allowed: readonly string[]): Finding[] {
  if (entries.length === 0) return [];
  const line = entries[0]?.line;
  // Without an allowlist there is no policy to enforce: the list is information for the reviewer.
  if (allowed.length === 0) {
    return [
      {
        rule: 'lockfile-install-script',
        severity: 'info',
        file,
        line,
        reason: `${count(entries.length, 'package runs', 'packages run')} an install script when installed: ${list(entries)}.`,
        fix: 'to enforce a policy, list the packages you trust in "allow.installScripts"; any other package with an install script then fails the check.',
      },
    ];
  }
  const allowedSet = new Set(allowed);
  const trusted = entries.filter((entry) => allowedSet.has(entry.name));
  const untrusted = entries.filter((entry) => !allowedSet.has(entry.name));
  const findings: Finding[] = [];
  if (untrusted.length > 0) {
    findings.push({
      rule: 'lockfile-install-script',
      severity: 'warning',
      file,
      line: untrusted[0]?.line,
      reason: `${count(untrusted.length, 'package not in "allow.installScripts" runs', 'packages not in "allow.installScripts" run')} an install script when installed: ${list(untrusted)}.`,
      fix: 'review each script; add the packages you trust to "allow.installScripts", and remove or replace the others.',
    });
  }
  if (trusted.length > 0) {
    findings.push({
      rule: 'lockfile-install-script',
      severity: 'info',
      file,
      line: trusted[0]?.line,
      reason: `${count(trusted.length, 'allowed package runs', 'allowed packages run')} an install script: ${list(trusted)}.`,
      fix: 'nothing to do; they are in "allow.installScripts".',
    });
  }
  return findings;
}

function unreadable(file: string, why: string, fix: string): Finding {
  return { rule: 'lockfile-unreadable', severity: 'error', file, reason: `${file} cannot be checked: ${why}.`, fix };
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function list(entries: readonly LockEntry[]): string {
  const names = [...new Set(entries.map((entry) => (entry.version === undefined ? entry.name : `${entry.name}@${entry.version}`)))].sort();
  const shown = names.slice(0, LIST_LIMIT).join(', ');
  return names.length > LIST_LIMIT ? `${shown} and ${names.length - LIST_LIMIT} more` : shown;
}

/** Line of each `"key": {` in the file: in v2/v3 every install location appears once as such a key. */
function keyLines(lines: readonly string[]): Map<string, number> {
  const found = new Map<string, number>();
  const keyPattern = /^\s*"((?:[^"\\]|\\.)*)"\s*:\s*\{/;
  lines.forEach((line, index) => {
    const match = keyPattern.exec(line);
    const key = match?.[1];
    if (key !== undefined && key.includes('node_modules/') && !found.has(key)) found.set(key, index + 1);
  });
  return found;
}

/** First line after line `from` (1-based) that opens the object of `key`, at `indent` when given. */
function findKeyLine(lines: readonly string[], key: string, from: number, indent: number | undefined): { line: number; indent: number } | undefined {
  const opening = `${JSON.stringify(key)}: {`;
  for (let index = from; index < lines.length; index++) {
    const text = lines[index] ?? '';
    const trimmed = text.trimStart();
    const at = text.length - trimmed.length;
    if (trimmed.startsWith(opening) && (indent === undefined || at === indent)) return { line: index + 1, indent: at };
  }
  return undefined;
}
