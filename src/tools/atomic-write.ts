/**
 * Writes a file so that a reader (or a crash) never sees it half-written: the content goes to
 * a temporary file in the same folder, which then replaces the target by rename. An existing
 * file keeps its permission bits (and its owner, where we are allowed to set it); a symlink is
 * written through, so the link stays a link.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pinPath } from './pinned-path.ts';

export interface AtomicWriteResult {
  /** False when an existing file was replaced. */
  readonly created: boolean;
  /** The path actually written (the symlink's target when `path` was a symlink). */
  readonly writtenPath: string;
}

/**
 * Creates missing parent folders, then writes atomically. Throws on file-system errors, and
 * PathChangedError when `judged` (the real path the policy decided on) is given and the folder
 * written into is no longer the one it names.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, judged?: string): Promise<AtomicWriteResult> {
  const target = await followSymlink(path);
  let existing: { mode: number; uid: number; gid: number } | undefined;
  try {
    const info = await stat(target);
    if (info.isDirectory()) throw new Error(`${path} is a directory`);
    existing = { mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(target), { recursive: true });
  }

  // Everything from here goes through the pinned folder: a symlink switched now cannot move
  // the write elsewhere.
  const folder = await pinPath(dirname(target), judged === undefined ? undefined : dirname(judged));
  try {
    return await writeInto(folder.path, basename(target), data, existing, target);
  } finally {
    await folder.close();
  }
}

async function writeInto(
  folder: string,
  name: string,
  data: string | Uint8Array,
  existing: { mode: number; uid: number; gid: number } | undefined,
  target: string,
): Promise<AtomicWriteResult> {
  const temporary = join(folder, `.${name}.ward-${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', existing?.mode ?? 0o666);
  try {
    try {
      await handle.writeFile(data);
      if (existing !== undefined) {
        // The creation mode was filtered by the umask; the old file's bits must survive as they were.
        await handle.chmod(existing.mode);
        if (existing.uid !== process.getuid?.() || existing.gid !== process.getgid?.()) {
          await handle.chown(existing.uid, existing.gid).catch(() => undefined);
        }
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, join(folder, name));
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  return { created: existing === undefined, writtenPath: target };
}

async function followSymlink(path: string): Promise<string> {
  try {
    if (!(await lstat(path)).isSymbolicLink()) return path;
    return await realpath(path);
  } catch {
    // Missing, or a dangling link: write at the path itself.
    return path;
  }
}
