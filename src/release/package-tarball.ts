/**
 * A published package read from its .tgz, entirely in memory. npm's tarballs keep everything
 * under `package/`, other registries use another top directory: like npm's extractor (strip 1),
 * the first path component is dropped whatever it is. Only regular files are kept, since npm
 * never installs links from a tarball. Hostile archives are refused rather than half-read:
 * absolute paths, `..` segments, and anything past a size cap.
 */
import { readFile, stat } from 'node:fs/promises';
import { Parser } from 'tar';
import type { ReadEntry } from 'tar';
import { ReleaseInputError } from './errors.ts';
import { parseManifest } from './manifest.ts';
import type { PackageFile, PublishedPackage } from './types.ts';

/** Unpacked bytes (all entries' declared sizes) the gate accepts: it holds the whole package in memory. */
export const MAX_UNPACKED_BYTES = 1024 ** 3;

const REGULAR_FILE_TYPES: ReadonlySet<string> = new Set(['File', 'OldFile', 'ContiguousFile']);

interface UnpackedFile {
  readonly mode: number;
  readonly bytes: Buffer;
}

export async function readPackageTarballFile(file: string): Promise<PublishedPackage> {
  const info = await stat(file).catch((error: unknown) => {
    throw new ReleaseInputError(`${file} does not exist or cannot be read (${describe(error)}); pass the .tgz made by npm pack`);
  });
  if (!info.isFile()) throw new ReleaseInputError(`${file} is not a file; pass the .tgz made by npm pack`);
  if (info.size > MAX_UNPACKED_BYTES) {
    throw new ReleaseInputError(`${file} is larger than 1 GiB; the gate reads packages in memory and refuses larger ones`);
  }
  return readPackageTarball(await readFile(file), file);
}

export async function readPackageTarball(bytes: Buffer, location: string): Promise<PublishedPackage> {
  const unpacked = await unpack(bytes, location);
  const manifestFile = unpacked.get('package.json');
  if (!manifestFile) {
    throw new ReleaseInputError(`${location} has no package.json at its root (expected package/package.json); pass a tarball made by npm pack`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(manifestFile.bytes.toString('utf8')) as unknown;
  } catch (error) {
    throw new ReleaseInputError(`${location}: package/package.json is not valid JSON (${describe(error)}); repack from a valid package.json`);
  }
  const manifest = parseManifest(raw, `${location} (package/package.json)`);
  const files: PackageFile[] = [...unpacked.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, file]) => ({ path, size: file.bytes.length, mode: file.mode, read: () => Promise.resolve(file.bytes) }));
  return { origin: 'tarball', location, manifest, files };
}

function unpack(bytes: Buffer, location: string): Promise<Map<string, UnpackedFile>> {
  return new Promise((resolve, reject) => {
    const files = new Map<string, UnpackedFile>();
    let declaredBytes = 0;
    let entries = 0;
    let refusal: ReleaseInputError | undefined;
    let firstWarning: string | undefined;
    const parser = new Parser({
      // Not strict: like npm's own extraction, a recoverable oddity in an old tarball is skipped,
      // not fatal. Unrecoverable ones (corrupt gzip, our own refusals) still end in 'error'.
      onwarn: (code: string, message: string) => {
        firstWarning ??= `${code}: ${message}`;
        // A truncated archive would otherwise yield a partial package: a silent miss.
        if (code === 'TAR_BAD_ARCHIVE') refusal ??= notATarball(bytes, location, new Error(`${code}: ${message}`));
      },
      onReadEntry: (entry: ReadEntry) => {
        entries += 1;
        declaredBytes += entry.size;
        const problem = refusal ? undefined : entryProblem(entry, location, declaredBytes);
        if (problem) {
          refusal = problem;
          parser.abort(problem);
        }
        const path = stripTopDirectory(entry.path);
        if (refusal || !REGULAR_FILE_TYPES.has(entry.type) || path === '') {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        // A later entry with the same path wins, as it would on extraction.
        entry.on('end', () => files.set(path, { mode: (entry.mode ?? 0o644) & 0o777, bytes: Buffer.concat(chunks) }));
      },
    });
    parser.on('error', (error: Error) => {
      reject(refusal ?? notATarball(bytes, location, error));
    });
    parser.on('end', () => {
      if (refusal) reject(refusal);
      else if (entries === 0) reject(notATarball(bytes, location, new Error(firstWarning ?? 'no entries')));
      else resolve(files);
    });
    parser.end(bytes);
  });
}

function entryProblem(entry: ReadEntry, location: string, declaredBytes: number): ReleaseInputError | undefined {
  const name = entry.path;
  if (/^([a-zA-Z]:)?[\\/]/.test(name)) {
    return new ReleaseInputError(`${location} contains an entry with an absolute path (${JSON.stringify(name)}); refusing a tarball that writes outside its package: repack it with npm pack`);
  }
  if (name.split(/[\\/]/).includes('..')) {
    return new ReleaseInputError(`${location} contains an entry that climbs out of the package (${JSON.stringify(name)}); refusing a tarball with ".." paths: repack it with npm pack`);
  }
  if (declaredBytes > MAX_UNPACKED_BYTES) {
    return new ReleaseInputError(`${location} unpacks to more than 1 GiB; the gate reads packages in memory and refuses larger ones`);
  }
  return undefined;
}

/** `package/lib/a.js` -> `lib/a.js`; empty for the top directory itself. */
function stripTopDirectory(name: string): string {
  return name
    .split('/')
    .slice(1)
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

function notATarball(bytes: Buffer, location: string, cause: Error): ReleaseInputError {
  const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  const what = gzip ? 'is gzip-compressed but not a valid tar archive' : 'is not a gzip-compressed tar archive';
  return new ReleaseInputError(`${location} ${what} (${cause.message}); pass a .tgz made by npm pack`, { cause });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
