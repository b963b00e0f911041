/**
 * One line and one paragraph about each rule of the release gate, for the SARIF rule table
 * (GitHub code scanning shows them beside each alert). Keyed by RuleId, so a rule added to
 * types.ts without documentation here does not compile.
 */
import type { RuleId } from '../types.ts';

export interface RuleHelp {
  readonly short: string;
  readonly help: string;
}

export const RULE_HELP: Readonly<Record<RuleId, RuleHelp>> = {
  'sourcemap-embedded-source': {
    short: 'A published source map embeds source code (sourcesContent or an inline data: map).',
    help: 'Anyone who installs the package can rebuild the original sources from the map. This is harmless for open-source code and blocks the release when the package is closed, the map is linked from no published file, or the embedded files match a confidential glob. Build without embedded sources (esbuild `sourcesContent: false`, tsc without `inlineSources`), or leave the maps out of `files`.',
  },
  'sourcemap-unlinked': {
    short: 'A published source map is linked from no published file.',
    help: 'No sourceMappingURL comment points at this map, so nothing needs it at run time: it was most likely published by accident. Remove it from the package (exclude *.map in `files` or .npmignore) or stop generating it.',
  },
  'sourcemap-outside-sources': {
    short: "A source map's sources point outside the package.",
    help: "Paths such as ../../src/secret.ts reveal the build host's layout and refer to files that do not ship. Set the bundler's sourceRoot or sources path so they stay inside the package, or do not publish the map.",
  },
  'sourcemap-absolute-sources': {
    short: "A source map's sources are absolute build-host paths.",
    help: 'Absolute paths (/home/alice/work/...) leak the build machine\'s user names and directory layout. Build with relative source paths or do not publish the map.',
  },
  'sourcemap-remote-url': {
    short: 'A sourceMappingURL comment points at a remote URL.',
    help: 'Debuggers fetch the map from that server, which then serves source to anyone and sees who debugs the package. Point the comment at a published map or remove it.',
  },
  'sourcemap-missing-map': {
    short: 'A sourceMappingURL comment points at a map that is not published.',
    help: 'The comment refers to a file that is not in the package; it usually means the map was excluded by hand but the build still links it. Publish the map without sources or build without the comment.',
  },
  'sourcemap-unreadable': {
    short: 'A published source map could not be parsed.',
    help: 'The gate could not read this map, so it cannot say what it carries. Check that the file is valid JSON (source map v3), or leave it out of the package.',
  },
  'secret-token': {
    short: 'A published file contains a credential in a known token format.',
    help: 'Cloud keys, model-provider API keys, GitHub and npm tokens and private keys in a published file are public the moment the package is published. Revoke the credential, remove it from the file and the package, and publish again. If it is a reviewed false positive, allowlist the fingerprint.',
  },
  'secret-high-entropy': {
    short: 'A published file assigns a high-entropy string to a secret-looking name.',
    help: 'A random-looking value assigned to a name such as key, token or password is often a credential. Move it out of the package (environment variable, secret store). If it is a reviewed false positive, allowlist the fingerprint.',
  },
  'secret-env-file': {
    short: 'A .env file is published.',
    help: '.env files hold local configuration and credentials. Remove it from the package (use a `files` allowlist) and rotate anything it contained.',
  },
  'unwanted-file': {
    short: 'A file that should not ship is in the package.',
    help: 'Keys and certificates, test fixtures, .git/, editor settings and internal documents do not belong in a published package. Narrow the `files` allowlist in package.json or add the path to .npmignore.',
  },
  'no-files-allowlist': {
    short: 'package.json has no `files` allowlist.',
    help: 'Without `files`, npm publishes everything in the directory that is not ignored, so a new local file can ship by accident. List what should ship in the `files` field of package.json.',
  },
  'archive-in-package': {
    short: 'An archive (zip, tar) is published inside the package.',
    help: 'Archives hide their content from review and from this gate. Unpack what is needed into the package or leave the archive out.',
  },
  'new-file': {
    short: 'A file is published that the previous version did not have.',
    help: 'New files are worth a look before publishing: check that each one is meant to ship.',
  },
  'install-script-added': {
    short: 'An install script was added since the previous version.',
    help: 'preinstall, install, postinstall and prepare scripts run on every machine that installs the package; a new one is the usual way a compromised release runs code. Make sure it is intended and reviewed.',
  },
  'install-script-changed': {
    short: 'An install script changed since the previous version.',
    help: 'Install scripts run on every machine that installs the package. Review the change before publishing.',
  },
  'dependency-added': {
    short: 'A dependency was added since the previous version.',
    help: 'Every new dependency is code that runs for every user. Check that it is intended and the exact package you meant (typosquatting).',
  },
  'size-growth': {
    short: 'The package grew beyond the configured threshold since the previous version.',
    help: 'A sudden growth often means something was published by accident (build output, fixtures, maps with sources). Look at the new and larger files; raise sizeGrowthPercent in the configuration if the growth is expected.',
  },
  'previous-version-unavailable': {
    short: 'The previous version could not be compared.',
    help: 'The registry was unreachable or the previous tarball could not be read, so new files, install scripts and dependencies were not compared. Give the previous tarball on the command line to compare offline.',
  },
  'lockfile-missing-integrity': {
    short: 'A lockfile entry has no integrity hash.',
    help: 'Without an integrity hash npm cannot verify that what it downloads is what was locked. Regenerate the lockfile with a current npm (`npm install`).',
  },
  'lockfile-foreign-registry': {
    short: 'A lockfile entry resolves from a registry that is not allowlisted.',
    help: 'Packages fetched from an unexpected host can differ from the public ones. Reinstall from the allowlisted registry, or add the registry to allow.registries if it is yours.',
  },
  'lockfile-git-dependency': {
    short: 'A dependency is installed from git.',
    help: 'Git dependencies are not immutable releases and can run prepare scripts on install. Depend on a published version instead.',
  },
  'lockfile-http-dependency': {
    short: 'A dependency is installed from a plain URL.',
    help: 'A tarball URL outside a registry can change under the same address. Depend on a published version instead.',
  },
  'lockfile-file-dependency': {
    short: 'A dependency is installed from a local path.',
    help: 'A file: dependency exists only on the machine that built the package. Publish the dependency or bundle it.',
  },
  'lockfile-install-script': {
    short: 'A package in the dependency tree runs an install script.',
    help: 'Install scripts run with the installing user\'s rights. Review them, and allowlist the packages you accept in allow.installScripts.',
  },
  'lockfile-advisory': {
    short: 'A locked version is named in an advisory (a known compromised or malicious release).',
    help: 'This exact version was published by an attacker or carries a known compromise. Move to a version the advisory names as safe, regenerate the lockfile, and check the machines that installed it.',
  },
  'lockfile-missing': {
    short: 'No lockfile was found.',
    help: 'Without package-lock.json (or npm-shrinkwrap.json) the dependency tree that was tested cannot be checked. Commit the lockfile.',
  },
  'lockfile-unreadable': {
    short: 'The lockfile could not be read.',
    help: 'The lockfile is not valid JSON or not a lockfile npm writes. Regenerate it with `npm install`.',
  },
};
