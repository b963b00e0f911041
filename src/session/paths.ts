/**
 * Where a project's transcripts live: $WARD_HOME/projects/<name>-<hash>/<session id>.jsonl.
 * The folder name carries the project's base name for people and a hash of its real path so
 * two projects of the same name never share a folder.
 */
import { createHash, randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';

export function projectDirName(projectRealPath: string): string {
  const hash = createHash('sha256').update(projectRealPath).digest('hex').slice(0, 12);
  const name = basename(projectRealPath).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'root';
  return `${name}-${hash}`;
}

export function projectSessionsDir(home: string, projectRealPath: string): string {
  return join(home, 'projects', projectDirName(projectRealPath));
}

/** Sortable and short enough to type: 20261121-052653-3f9a1c. */
export function newSessionId(now: Date = new Date()): string {
  const iso = now.toISOString(); // 2026-11-21T05:26:53.123Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export const SESSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
