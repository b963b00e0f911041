/**
 * Snapshots of folders and files, to prove an attack changed nothing where it must not: each
 * entry records its kind, mode and content digest (a symlink its target, never followed), so a
 * changed byte, a new file, a removed one or a swapped symlink all show up as a difference.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

export type Snapshot = ReadonlyMap<string, string>;

function describe(path: string): string | null {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return null;
  }
  const mode = (stat.mode & 0o7777).toString(8);
  if (stat.isSymbolicLink()) return `symlink -> ${readlinkSync(path)}`;
  if (stat.isDirectory()) return `dir ${mode}`;
  if (stat.isFile()) return `file ${mode} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
  return `other ${mode}`;
}

/**
 * Everything under each path (the path itself included), keyed by its path relative to `base`.
 * `skip` names paths relative to `base` not to descend into (ward's own transcripts).
 */
export function snapshot(base: string, paths: readonly string[], skip: readonly string[] = []): Snapshot {
  const entries = new Map<string, string>();
  const visit = (path: string): void => {
    const key = relative(base, path) || '.';
    if (skip.includes(key)) return;
    const description = describe(path);
    entries.set(key, description ?? 'absent');
    if (description?.startsWith('dir ') !== true) return;
    for (const name of readdirSync(path).sort()) visit(join(path, name));
  };
  for (const path of paths) visit(path);
  return entries;
}

/** What differs, one line per entry, for an assertion message; empty when nothing does. */
export function differences(before: Snapshot, after: Snapshot): string[] {
  const lines: string[] = [];
  for (const [key, was] of before) {
    const now = after.get(key) ?? 'absent';
    if (now !== was) lines.push(`${key}: ${was} => ${now}`);
  }
  for (const [key, now] of after) {
    if (!before.has(key)) lines.push(`${key}: new (${now})`);
  }
  return lines;
}
