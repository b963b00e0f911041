/**
 * What changed since the previous published version, seen from the side of someone installing
 * it: the signs of a hijacked release (an install script appearing, a new dependency, files
 * that were never there) and of an accidental one (a new top-level directory, a sudden jump in
 * size, like a source map carrying a whole product).
 *
 * Severity follows what each change means. Install scripts run with the installer's rights on
 * every machine and CI runner that installs the package, so a new or changed one is an error
 * (the vector of the 2025 and 2026 npm compromises). New dependencies and files in new places
 * are warnings a reviewer should look at; ordinary new files inside existing directories are
 * information, because most releases add some.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ReleaseCheckConfig } from '../config-schema.ts';
import type { Finding, PackageFile, PackageManifest, PublishedPackage } from '../types.ts';

/** The scripts npm runs when the package is installed from the registry or from git. */
export const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'] as const;

/**
 * `prepare` is not run for registry installs, only for git and local ones (and in the
 * maintainer's own checkout), so a new one is a warning where the others are errors: adding
 * `"prepare": "husky"` is common and harmless to everyone installing from the registry.
 */
const PREPARE_RUNS = 'whenever this package is installed from git or a local path, and on every `npm install` in its checkout';

/** Past this many, plain new files are summarised in one finding instead of one each. */
const NEW_FILE_LIST_LIMIT = 20;

/**
 * Growth below this many bytes is never reported, whatever the percentage: doubling a 2 KiB
 * package is not something a reviewer needs to be stopped for.
 */
export const SIZE_GROWTH_MIN_BYTES = 32 * 1024;

/** Files that run natively or as Windows scripts: rarely added by an ordinary release, used by droppers. */
const NATIVE_OR_SCRIPT = new Set(['.node', '.dll', '.exe', '.so', '.dylib', '.bat', '.cmd', '.ps1', '.vbs']);

export async function comparePackages(
  current: PublishedPackage,
  previous: PublishedPackage,
  config: ReleaseCheckConfig,
): Promise<Finding[]> {
  const manifestLines = await manifestLineFinder(current);
  const since = previous.manifest.version;
  return [
    ...installScriptFindings(current, previous, since, manifestLines),
    ...dependencyFindings(current.manifest, previous.manifest, since, manifestLines),
    ...newFileFindings(current, previous, since),
    ...sizeFindings(current, previous, since, config.sizeGrowthPercent),
  ];
}

function installScriptFindings(current: PublishedPackage, previous: PublishedPackage, since: string, lineOf: LineFinder): Finding[] {
  const now = effectiveInstallScripts(current);
  const before = effectiveInstallScripts(previous);
  const findings: Finding[] = [];
  for (const name of INSTALL_SCRIPTS) {
    const script = now.get(name);
    if (script === undefined) continue;
    const old = before.get(name);
    const severity = name === 'prepare' ? 'warning' : 'error';
    const runs = name === 'prepare' ? PREPARE_RUNS : 'on every machine that installs this version';
    if (old === undefined) {
      findings.push({
        rule: 'install-script-added',
        severity,
        file: 'package.json',
        line: lineOf(`"${name}"`, 'scripts'),
        reason: `a "${name}" script was added since ${since}: it runs \`${script}\` ${runs}. Hijacked releases add exactly this, to steal tokens at install time.`,
        fix: `make sure the script is intended and reviewed; if not, remove scripts.${name} from package.json and rotate your npm token before publishing. If it is, allowlist this finding by its fingerprint.`,
        fingerprint: fingerprint('install-script-added', name, script),
      });
    } else if (old !== script) {
      findings.push({
        rule: 'install-script-changed',
        severity,
        file: 'package.json',
        line: lineOf(`"${name}"`, 'scripts'),
        reason: `the "${name}" script changed since ${since}: \`${old}\` → \`${script}\`. It runs ${runs}.`,
        fix: `review the new command and what it runs; if the change is not yours, restore scripts.${name} to \`${old}\` and rotate your npm token. If it is, allowlist this finding by its fingerprint.`,
        fingerprint: fingerprint('install-script-changed', name, `${old}\0${script}`),
      });
    }
  }
  return findings;
}

/**
 * The manifest's install scripts plus npm's implicit one: a package with a binding.gyp and no
 * install or preinstall script gets `node-gyp rebuild` run at install.
 */
export function effectiveInstallScripts(pkg: PublishedPackage): Map<string, string> {
  const scripts = new Map<string, string>();
  for (const name of INSTALL_SCRIPTS) {
    const script = pkg.manifest.scripts[name];
    if (script !== undefined && script.trim() !== '') scripts.set(name, script);
  }
  const hasGyp = pkg.files.some((file) => file.path === 'binding.gyp');
  if (hasGyp && !scripts.has('install') && !scripts.has('preinstall')) scripts.set('install', 'node-gyp rebuild');
  return scripts;
}

function dependencyFindings(now: PackageManifest, before: PackageManifest, since: string, lineOf: LineFinder): Finding[] {
  const findings: Finding[] = [];
  const installedBefore = new Set([...Object.keys(before.dependencies), ...Object.keys(before.optionalDependencies)]);
  for (const [field, deps] of [
    ['dependencies', now.dependencies],
    ['optionalDependencies', now.optionalDependencies],
  ] as const) {
    for (const [name, range] of Object.entries(deps)) {
      if (installedBefore.has(name)) continue;
      findings.push({
        rule: 'dependency-added',
        severity: 'warning',
        file: 'package.json',
        line: lineOf(`"${name}"`, field),
        reason: `${field} gained "${name}": "${range}" since ${since}; everyone who installs this version will install it and run its install scripts.`,
        fix: `check that "${name}" is the package you meant (not a look-alike name) and that you added it; then allowlist this finding by its fingerprint, or remove it from ${field}.`,
        fingerprint: fingerprint('dependency-added', name, range),
      });
    }
  }
  const knownBefore = new Set([...installedBefore, ...Object.keys(before.peerDependencies)]);
  for (const [name, range] of Object.entries(now.peerDependencies)) {
    if (knownBefore.has(name) || name in now.dependencies || name in now.optionalDependencies) continue;
    findings.push({
      rule: 'dependency-added',
      severity: 'info',
      file: 'package.json',
      line: lineOf(`"${name}"`, 'peerDependencies'),
      reason: `peerDependencies gained "${name}": "${range}" since ${since} (installed by the consumer, not by this package).`,
      fix: 'nothing to do if intended; mention it in the release notes, since consumers must now provide it.',
    });
  }
  return findings;
}

function newFileFindings(current: PublishedPackage, previous: PublishedPackage, since: string): Finding[] {
  const before = new Set(previous.files.map((file) => file.path));
  const added = current.files.filter((file) => !before.has(file.path));
  const previousDirs = new Set(previous.files.flatMap((file) => (file.path.includes('/') ? [topLevel(file.path)] : [])));
  // Packages built on file systems without modes ship every file executable; a new executable
  // only means something when executables were the exception before.
  const executablesWereRare = previous.files.filter(isExecutable).length * 2 < previous.files.length;

  const findings: Finding[] = [];
  const inNewDirs = new Map<string, PackageFile[]>();
  const plain: PackageFile[] = [];
  for (const file of added) {
    const extension = path.posix.extname(file.path).toLowerCase();
    if (NATIVE_OR_SCRIPT.has(extension)) {
      findings.push({
        rule: 'new-file',
        severity: 'warning',
        file: file.path,
        reason: `${file.path} is new since ${since} and is a ${extension} file, which runs natively or as a script outside Node's module system (droppers in hijacked releases ship such files).`,
        fix: `confirm the file comes from your build; if it does not, remove it and rotate your npm token. If it does, allowlist this finding by its fingerprint.`,
        fingerprint: fingerprint('new-file', file.path, extension),
      });
      continue;
    }
    if (isExecutable(file) && executablesWereRare) {
      findings.push({
        rule: 'new-file',
        severity: 'warning',
        file: file.path,
        reason: `${file.path} is new since ${since} and executable (mode ${(file.mode & 0o777).toString(8)}).`,
        fix: `confirm it is a bin you meant to add ("bin" in package.json); otherwise remove it or clear its executable bit. Allowlist this finding by its fingerprint once reviewed.`,
        fingerprint: fingerprint('new-file', file.path, 'executable'),
      });
      continue;
    }
    const dir = file.path.includes('/') ? topLevel(file.path) : undefined;
    if (dir !== undefined && !previousDirs.has(dir)) {
      const files = inNewDirs.get(dir) ?? [];
      files.push(file);
      inNewDirs.set(dir, files);
      continue;
    }
    plain.push(file);
  }
  if (plain.length > NEW_FILE_LIST_LIMIT) {
    const examples = plain.slice(0, NEW_FILE_LIST_LIMIT).map((file) => file.path);
    findings.push({
      rule: 'new-file',
      severity: 'info',
      reason: `${plain.length} files in existing directories are new since ${since}: ${examples.join(', ')}, ...`,
      fix: 'nothing to do if they belong in the release.',
    });
  } else {
    for (const file of plain) {
      findings.push({
        rule: 'new-file',
        severity: 'info',
        file: file.path,
        reason: `${file.path} is new since ${since} (${formatSize(file.size)}).`,
        fix: 'nothing to do if it belongs in the release.',
      });
    }
  }
  for (const [dir, files] of inNewDirs) {
    const size = files.reduce((sum, file) => sum + file.size, 0);
    const examples = files.slice(0, 5).map((file) => file.path);
    findings.push({
      rule: 'new-file',
      severity: 'warning',
      file: `${dir}/`,
      reason:
        `the directory ${dir}/ is new since ${since}: ${files.length} file${files.length === 1 ? '' : 's'}, ${formatSize(size)} ` +
        `(${examples.join(', ')}${files.length > examples.length ? ', ...' : ''}). A whole new directory is how sources, tests or build output leak into a release.`,
      fix: `if ${dir}/ should not ship, exclude it (narrow "files" in package.json or add it to .npmignore); if it should, allowlist this finding by its fingerprint.`,
      fingerprint: fingerprint('new-file', `${dir}/`, files.map((file) => file.path).join('\n')),
    });
  }
  return findings;
}

function sizeFindings(current: PublishedPackage, previous: PublishedPackage, since: string, percent: number): Finding[] {
  const now = unpackedSize(current);
  const before = unpackedSize(previous);
  if (before === 0) return [];
  const growth = now - before;
  const grewBy = (growth / before) * 100;
  if (grewBy <= percent || growth < SIZE_GROWTH_MIN_BYTES) return [];
  const biggest = biggestGrowth(current, previous);
  return [
    {
      rule: 'size-growth',
      severity: 'warning',
      reason:
        `the unpacked size grew ${Math.round(grewBy)}% since ${since}: ${formatSize(before)} → ${formatSize(now)} ` +
        `(over the ${percent}% threshold). Largest contributors: ${biggest}.`,
      fix: 'check the largest new or grown files (source maps with embedded sources, bundled dependencies, fixtures); exclude what should not ship, or raise "sizeGrowthPercent" in the release-check configuration if the growth is intended.',
    },
  ];
}

function biggestGrowth(current: PublishedPackage, previous: PublishedPackage): string {
  const before = new Map(previous.files.map((file) => [file.path, file.size]));
  return current.files
    .map((file) => ({ path: file.path, delta: file.size - (before.get(file.path) ?? 0) }))
    .filter((entry) => entry.delta > 0)
    .sort((a, b) => b.delta - a.delta)
    .slice(0, 3)
    .map((entry) => `${entry.path} (+${formatSize(entry.delta)})`)
    .join(', ');
}

export function unpackedSize(pkg: PublishedPackage): number {
  return pkg.files.reduce((sum, file) => sum + file.size, 0);
}

function isExecutable(file: PackageFile): boolean {
  return (file.mode & 0o111) !== 0;
}

function topLevel(filePath: string): string {
  return filePath.slice(0, filePath.indexOf('/'));
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Stable per finding, so a reviewed change can be allowlisted without hiding the next one. */
function fingerprint(rule: string, key: string, detail: string): string {
  return createHash('sha256').update(`${rule}\0${key}\0${detail}`).digest('hex').slice(0, 16);
}

/** Line of a quoted key in the current package.json, looked for after the `section` key's line. */
type LineFinder = (needle: string, section: string) => number | undefined;

/** Finds keys in the current package.json, for the report (formatted JSON has one key per line). */
async function manifestLineFinder(pkg: PublishedPackage): Promise<LineFinder> {
  const file = pkg.files.find((candidate) => candidate.path === 'package.json');
  if (file === undefined) return () => undefined;
  let lines: string[];
  try {
    lines = (await file.read()).toString('utf8').split('\n');
  } catch {
    return () => undefined;
  }
  const keyAt = (key: string, from: number): number => lines.findIndex((line, index) => index >= from && /^\s*"/.test(line) && line.includes(`${key}:`));
  return (needle, section) => {
    const start = keyAt(`"${section}"`, 0);
    if (start === -1) return undefined;
    const index = keyAt(needle, start + 1);
    return index === -1 ? undefined : index + 1;
  };
}
