/**
 * The gate's one entry point for "what would be published": a package directory (read through
 * npm's packlist rules) or a tarball made by `npm pack` (read as published).
 */
import { open, stat } from 'node:fs/promises';
import { ReleaseInputError } from './errors.ts';
import { readPackageDirectory } from './package-directory.ts';
import { readPackageTarballFile } from './package-tarball.ts';
import type { PublishedPackage } from './types.ts';

const EXPECTED = 'a package directory (with package.json) or a .tgz made by npm pack';

export async function loadPublishedPackage(target: string): Promise<PublishedPackage> {
  const info = await stat(target).catch((error: unknown) => {
    const reason = isErrnoCode(error, 'ENOENT') ? 'does not exist' : `cannot be read (${error instanceof Error ? error.message : String(error)})`;
    throw new ReleaseInputError(`${target} ${reason}; expected ${EXPECTED}`);
  });
  if (info.isDirectory()) return readPackageDirectory(target);
  if (info.isFile() && (/\.(tgz|tar\.gz)$/i.test(target) || (await startsWithGzipMagic(target)))) {
    return readPackageTarballFile(target);
  }
  throw new ReleaseInputError(`${target} is neither a directory nor a gzip-compressed tarball; expected ${EXPECTED}`);
}

async function startsWithGzipMagic(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

function isErrnoCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
