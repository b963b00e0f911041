/**
 * Closes the gap between the permission check and the file operation. The policy judged a
 * path after resolving its symlinks; a process running at the same time could switch a
 * symlink before the tool opens the file. On Linux, a tool opens the file (or folder) once,
 * checks what it actually opened through /proc/self/fd, and then works only through that
 * descriptor's /proc path, which no later symlink switch can redirect.
 */
import { readlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export class PathChangedError extends Error {
  constructor(path: string, opened: string, judged: string) {
    super(`${path} changed between the permission check and the access (it now leads to ${opened}, not ${judged}): a symlink was switched. Nothing was read or written.`);
    this.name = 'PathChangedError';
  }
}

export interface Pinned {
  /** A path that reaches exactly the opened file or folder (on Linux, its /proc/self/fd entry). */
  readonly path: string;
  close(): Promise<void>;
}

const CAN_PIN = process.platform === 'linux';

/**
 * Opens `path` (a file or a folder) for reading and checks that it is `judged`, the real path
 * the policy decided on. Without /proc (macOS) it returns the path itself: the check is then
 * the policy's alone.
 */
export async function pinPath(path: string, judged: string | undefined): Promise<Pinned> {
  if (!CAN_PIN || judged === undefined) return { path, close: () => Promise.resolve() };
  const handle: FileHandle = await open(path, 'r');
  const proc = `/proc/self/fd/${handle.fd}`;
  let opened: string;
  try {
    opened = readlinkSync(proc);
  } catch (error) {
    await handle.close();
    throw error;
  }
  if (opened !== judged) {
    await handle.close();
    throw new PathChangedError(path, opened, judged);
  }
  return { path: proc, close: () => handle.close() };
}
