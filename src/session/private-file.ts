/**
 * The files ward keeps about a session (transcript, audit log) are private to the user and
 * appended to synchronously: one place that opens and closes them that way.
 */
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Opens `path` for appending, creating it 0600 in a 0700 folder. */
export function openPrivateAppend(path: string): number {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to folders it creates; the session folder must be private
  // even when an earlier, laxer ward or the user created it.
  chmodSync(dir, 0o700);
  const fd = openSync(path, 'a', 0o600);
  chmodSync(path, 0o600);
  return fd;
}

/** Flushes to the disk, then closes. */
export function closeSynced(fd: number): void {
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
