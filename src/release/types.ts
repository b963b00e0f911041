/**
 * The shared vocabulary of the release gate (`ward release-check`): what a package is made of,
 * what a check reports, and how bad it is. Every check reads a `PublishedPackage` and returns
 * findings; the report layers only format them.
 */
import type { ReleaseCheckConfig } from './config-schema.ts';

export type Severity = 'error' | 'warning' | 'info';

/** Stable rule identifiers: they appear in JSON and SARIF output and in allowlists. */
export type RuleId =
  | 'sourcemap-embedded-source'
  | 'sourcemap-unlinked'
  | 'sourcemap-outside-sources'
  | 'sourcemap-absolute-sources'
  | 'sourcemap-remote-url'
  | 'sourcemap-missing-map'
  | 'sourcemap-unreadable'
  | 'secret-token'
  | 'secret-high-entropy'
  | 'secret-env-file'
  | 'unwanted-file'
  | 'no-files-allowlist'
  | 'archive-in-package'
  | 'new-file'
  | 'install-script-added'
  | 'install-script-changed'
  | 'dependency-added'
  | 'size-growth'
  | 'previous-version-unavailable'
  | 'lockfile-missing-integrity'
  | 'lockfile-foreign-registry'
  | 'lockfile-git-dependency'
  | 'lockfile-http-dependency'
  | 'lockfile-file-dependency'
  | 'lockfile-install-script'
  | 'lockfile-advisory'
  | 'lockfile-missing'
  | 'lockfile-unreadable';

export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  /** Path inside the package (as published, `/`-separated, no `package/` prefix), or the lockfile's name. */
  readonly file?: string;
  /** 1-based line, when the finding points into a text file. */
  readonly line?: number;
  /** What is wrong, in a sentence a maintainer understands without reading ward's source. */
  readonly reason: string;
  /** What to do about it. */
  readonly fix: string;
  /**
   * A stable identifier of this very finding (for secrets: a hash of rule, file and the secret),
   * so a reviewed false positive can be allowlisted by fingerprint without hiding new ones.
   */
  readonly fingerprint?: string;
}

/** One file `npm pack` would publish. */
export interface PackageFile {
  /** `/`-separated path relative to the package root, as it appears in the tarball minus `package/`. */
  readonly path: string;
  readonly size: number;
  /** Unix permission bits as published (executables matter to reviewers). */
  readonly mode: number;
  /** The bytes; read lazily from disk for directories, from memory for tarballs. */
  read(): Promise<Buffer>;
}

/** The parts of package.json the gate reasons about; the raw object is kept for anything else. */
export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly license?: string;
  readonly private?: boolean;
  readonly files?: readonly string[];
  readonly scripts: Readonly<Record<string, string>>;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly optionalDependencies: Readonly<Record<string, string>>;
  readonly peerDependencies: Readonly<Record<string, string>>;
  readonly bundleDependencies: readonly string[];
  readonly raw: Readonly<Record<string, unknown>>;
}

/** What is (or would be) published: from a package directory through npm's packlist, or from a .tgz. */
export interface PublishedPackage {
  readonly origin: 'directory' | 'tarball';
  /** The directory or the .tgz path the package came from. */
  readonly location: string;
  readonly manifest: PackageManifest;
  /** Sorted by path. */
  readonly files: readonly PackageFile[];
}

/** Everything one check needs; checks never read the environment on their own. */
export interface CheckContext {
  readonly pkg: PublishedPackage;
  readonly config: ReleaseCheckConfig;
}

/** The outcome of one run of the gate, as every output format sees it. */
export interface ReleaseCheckReport {
  readonly package: {
    readonly name: string;
    readonly version: string;
    readonly origin: PublishedPackage['origin'];
    readonly location: string;
    readonly fileCount: number;
    readonly unpackedSize: number;
  };
  /** The lockfile that was checked, when there was one. */
  readonly lockfile?: string;
  /** The previous version compared against, when one was found. */
  readonly previous?: { readonly version: string; readonly source: string };
  /** Sorted: errors first, then warnings, then information; by file within each. */
  readonly findings: readonly Finding[];
  /** Findings dropped by an allowlist or an ignored rule (counted, so nothing disappears silently). */
  readonly suppressed: number;
  /** The lowest severity that fails the check: errors only (default), or warnings too. */
  readonly failOn: 'error' | 'warning';
}
