/**
 * The files `npm pack` would publish from a package directory, found with npm's own packlist
 * code (npm-packlist, over a tree built by packlist-tree.ts), so the gate inspects exactly what
 * a release would ship.
 *
 * Modes are reported as the tarball would carry them: npm packs in node-tar's portable mode
 * (owner read/write always set, group/other write cleared) and marks package bins executable.
 */
import { lstat, readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { ReleaseInputError } from './errors.ts';
import { parseManifest } from './manifest.ts';
import { buildPacklistTree } from './packlist-tree.ts';
import { listPackFiles } from './packlist-walker.ts';
import type { PackageFile, PublishedPackage } from './types.ts';

/**
 * Several checks read the same files (a bundle is read for its sourceMappingURL and for
 * secrets): files up to this size are read from disk once per run and the bytes shared.
 * Larger ones are read again each time, so memory stays bounded by what is small.
 */
const SHARED_READ_MAX_BYTES = 1024 * 1024;

function readOnce(read: () => Promise<Buffer>): () => Promise<Buffer> {
  let pending: Promise<Buffer> | undefined;
  return () => (pending ??= read());
}

export async function readPackageDirectory(dir: string): Promise<PublishedPackage> {
  const root = path.resolve(dir);
  const info = await stat(root).catch((error: unknown) => {
    throw new ReleaseInputError(`${root} does not exist or cannot be read (${describe(error)}); pass the package directory`);
  });
  if (!info.isDirectory()) throw new ReleaseInputError(`${root} is not a directory; pass the directory that holds package.json`);

  const manifestPath = path.join(root, 'package.json');
  const raw = await readJson(manifestPath);
  if (raw === undefined) {
    throw new ReleaseInputError(`${manifestPath} not found; run the check on the directory that holds the package's package.json`);
  }
  const manifest = parseManifest(raw, manifestPath);
  const tree = await buildPacklistTree(root, manifest);

  const listing = await listPackFiles(tree, root).catch((error: unknown) => {
    throw new ReleaseInputError(`${root}: the list of files to publish could not be built (${describe(error)}); check that every file in the package is readable`);
  });
  const binTargets = new Set(Object.values(tree.package.bin ?? {}));
  const files = await Promise.all(
    listing.files
      // ignore-walk prefixes paths that begin with `@` with `./`.
      .map((file) => file.replace(/^\.\//, ''))
      // A bundled link whose dependencies live outside the package would yield `../` paths: never packable.
      .filter((file) => !file.startsWith('../'))
      .map((file) => packageFile(root, file, listing.stats.get(`${listing.root}/${file}`), binTargets)),
  );
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { origin: 'directory', location: root, manifest, files };
}

async function packageFile(root: string, file: string, seen: Stats | undefined, binTargets: ReadonlySet<string>): Promise<PackageFile> {
  const absolute = path.join(root, file);
  // Files of bundled dependencies are walked by npm-packlist's own walker: stat them here.
  const info = seen ?? (await lstat(absolute));
  // node-tar's portable mode, then pacote's bin rule, which compares the path minus its first
  // segment with the bin targets (so only top-level bins, like `cli.js`, become executable).
  let mode = ((info.mode & 0o777) | 0o600) & ~0o022;
  if (binTargets.has(file.replace(/^[^\\/]*\//, ''))) mode |= 0o111;
  return { path: file, size: info.size, mode, read: info.size <= SHARED_READ_MAX_BYTES ? readOnce(() => readFile(absolute)) : () => readFile(absolute) };
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT')) return undefined;
    throw new ReleaseInputError(`${file} cannot be read (${describe(error)}); check its permissions`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ReleaseInputError(`${file} is not valid JSON (${describe(error)}); fix the syntax error`);
  }
}

function isErrnoCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

