/**
 * The release gate, start to finish: load what would be published, load the configuration,
 * run every check, compare with the previous version, check the lockfile, then drop what the
 * configuration allowlists (counted, never silently) and sort. Formatting and the exit code
 * belong to the caller (src/cli/release-check-command.ts); this module does no printing.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { builtinAdvisoryList, loadAdvisoryList, mergeAdvisoryLists } from './advisories.ts';
import { checkLockfile } from './checks/lockfile.ts';
import { comparePackages } from './checks/previous-version.ts';
import { checkSecrets } from './checks/secrets.ts';
import { checkSourceMaps } from './checks/source-maps.ts';
import { checkUnwantedFiles } from './checks/unwanted-files.ts';
import { loadReleaseCheckConfig, loadReleaseCheckConfigFile } from './config.ts';
import { ReleaseInputError } from './errors.ts';
import { loadPublishedPackage } from './load-package.ts';
import { readPackageTarballFile, readPackageTarball } from './package-tarball.ts';
import { DEFAULT_REGISTRY, fetchPreviousVersion } from './registry.ts';
import type { CheckContext, Finding, PublishedPackage, ReleaseCheckReport, Severity } from './types.ts';

export interface ReleaseCheckOptions {
  /** A package directory or a .tgz. */
  readonly target: string;
  readonly configPath?: string | undefined;
  /** A .tgz of the previous version; when absent the registry is asked unless `registry` is null. */
  readonly previousTarball?: string | undefined;
  /** Registry base URL, or null for none. */
  readonly registry: string | null;
  /** An explicit lockfile; null skips the lockfile checks; undefined finds one. */
  readonly lockfile?: string | null | undefined;
  readonly advisoryFiles?: readonly string[];
  readonly strict?: boolean;
  /** Overrides the configuration's failOn. */
  readonly failOn?: 'error' | 'warning' | undefined;
  readonly fetch?: typeof fetch;
}

/** The registry to use when none is given: npm's own configuration variable, else the public registry. */
export function defaultRegistry(env: NodeJS.ProcessEnv): string {
  const configured = env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY;
  return configured !== undefined && URL.canParse(configured) ? configured : DEFAULT_REGISTRY;
}

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

export async function runReleaseCheck(options: ReleaseCheckOptions): Promise<ReleaseCheckReport> {
  const pkg = await loadPublishedPackage(options.target);
  const packageDir = pkg.origin === 'directory' ? pkg.location : undefined;
  const loaded = options.configPath !== undefined ? await loadReleaseCheckConfigFile(options.configPath) : await loadReleaseCheckConfig(packageDir, pkg.manifest.raw);
  const config = options.strict === true ? { ...loaded.config, strict: true } : loaded.config;
  const ctx: CheckContext = { pkg, config };

  const [maps, secrets, unwanted, previous, lockfile] = await Promise.all([
    checkSourceMaps(ctx),
    checkSecrets(ctx),
    checkUnwantedFiles(ctx),
    compareWithPrevious(pkg, options, ctx),
    checkTheLockfile(pkg, options, ctx, packageDir ?? dirname(resolve(options.target))),
  ]);
  const all = [...maps, ...secrets, ...unwanted, ...previous.findings, ...lockfile.findings];
  const ignored = new Set(config.ignoreRules);
  const allowedFingerprints = new Set(config.allow.fingerprints);
  const kept = all.filter((finding) => !ignored.has(finding.rule) && (finding.fingerprint === undefined || !allowedFingerprints.has(finding.fingerprint)));
  kept.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.rule.localeCompare(b.rule),
  );
  return {
    package: {
      name: pkg.manifest.name,
      version: pkg.manifest.version,
      origin: pkg.origin,
      location: pkg.location,
      fileCount: pkg.files.length,
      unpackedSize: pkg.files.reduce((sum, file) => sum + file.size, 0),
    },
    ...(lockfile.path === undefined ? {} : { lockfile: lockfile.path }),
    ...(previous.compared === undefined ? {} : { previous: previous.compared }),
    findings: kept,
    suppressed: all.length - kept.length,
    failOn: options.failOn ?? config.failOn,
  };
}

interface PreviousOutcome {
  readonly findings: Finding[];
  readonly compared?: { readonly version: string; readonly source: string };
}

async function compareWithPrevious(pkg: PublishedPackage, options: ReleaseCheckOptions, ctx: CheckContext): Promise<PreviousOutcome> {
  if (options.previousTarball !== undefined) {
    const previous = await readPackageTarballFile(options.previousTarball);
    if (previous.manifest.name !== pkg.manifest.name) {
      throw new ReleaseInputError(`--previous ${options.previousTarball} is ${previous.manifest.name}@${previous.manifest.version}, not a version of ${pkg.manifest.name}; give a tarball of this package's previous release`);
    }
    return { findings: await comparePackages(pkg, previous, ctx.config), compared: { version: previous.manifest.version, source: options.previousTarball } };
  }
  if (options.registry === null) return { findings: [] };
  const found = await fetchPreviousVersion(pkg.manifest.name, pkg.manifest.version, { registry: options.registry, ...(options.fetch === undefined ? {} : { fetch: options.fetch }) });
  if (found.status === 'none') return { findings: [] };
  if (found.status === 'unavailable') {
    return {
      findings: [
        {
          rule: 'previous-version-unavailable',
          severity: 'info',
          file: 'package.json',
          reason: `The previous version could not be compared: ${found.reason}.`,
          fix: 'Give its tarball with --previous FILE.tgz (npm pack NAME@VERSION makes one), or --no-registry to skip the comparison.',
        },
      ],
    };
  }
  const previous = await readPackageTarball(found.tarball, found.source);
  return { findings: await comparePackages(pkg, previous, ctx.config), compared: { version: found.version, source: found.source } };
}

interface LockfileOutcome {
  readonly findings: Finding[];
  readonly path?: string;
}

const LOCKFILE_NAMES = ['npm-shrinkwrap.json', 'package-lock.json'] as const;

async function checkTheLockfile(pkg: PublishedPackage, options: ReleaseCheckOptions, ctx: CheckContext, besideDir: string): Promise<LockfileOutcome> {
  if (options.lockfile === null) return { findings: [] };
  const advisories = mergeAdvisoryLists([
    builtinAdvisoryList(),
    ...(await Promise.all(ctx.config.advisories.map((file) => loadAdvisoryList(isAbsolute(file) ? file : join(besideDir, file))))),
    ...(await Promise.all((options.advisoryFiles ?? []).map((file) => loadAdvisoryList(file)))),
  ]);

  if (options.lockfile !== undefined) {
    const text = await readFile(options.lockfile, 'utf8').catch((error: unknown) => {
      throw new ReleaseInputError(`cannot read the lockfile ${options.lockfile ?? ''}: ${(error as Error).message}`);
    });
    return { findings: checkLockfile(basename(options.lockfile), text, ctx.config, advisories), path: options.lockfile };
  }
  // A published npm-shrinkwrap.json is the lockfile installs will follow.
  const shipped = pkg.files.find((file) => file.path === 'npm-shrinkwrap.json');
  if (shipped !== undefined) return { findings: checkLockfile(shipped.path, (await shipped.read()).toString('utf8'), ctx.config, advisories), path: shipped.path };
  if (pkg.origin === 'directory') {
    for (const name of LOCKFILE_NAMES) {
      const path = join(pkg.location, name);
      const text = await readFile(path, 'utf8').catch(() => null);
      if (text !== null) return { findings: checkLockfile(name, text, ctx.config, advisories), path };
    }
  }
  const hasDependencies = Object.keys(pkg.manifest.dependencies).length + Object.keys(pkg.manifest.optionalDependencies).length > 0;
  return {
    findings: [
      {
        rule: 'lockfile-missing',
        severity: 'info',
        file: 'package.json',
        reason:
          pkg.origin === 'tarball'
            ? 'No lockfile was checked: a tarball carries none unless it publishes npm-shrinkwrap.json.'
            : `No npm-shrinkwrap.json or package-lock.json in ${pkg.location}${hasDependencies ? ', so the dependency tree this release was tested with is not locked' : ''}.`,
        fix: pkg.origin === 'tarball' ? 'Pass the lockfile the release was built with: --lockfile package-lock.json.' : 'Commit a package-lock.json (npm install creates it) and install with npm ci.',
      },
    ],
  };
}
