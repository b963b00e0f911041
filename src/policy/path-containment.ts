/**
 * Whether a path lies inside a folder, decided on resolved real paths and path boundaries,
 * never by string prefix (/proj must not contain /proj_evil). Paths that do not exist yet
 * are resolved through their deepest existing ancestor, so a symlinked parent still counts.
 */
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export function resolveReal(path: string): string {
  const absolute = resolve(path);
  let existing = absolute;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = realpathSync.native(existing);
      return rest.length === 0 ? real : join(real, ...rest.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return absolute;
      rest.push(existing.slice(parent.length).replace(/^[/\\]/, ''));
      existing = parent;
    }
  }
}

/** File systems that ignore case by default: a rule about ~/.ssh must also catch ~/.SSH. */
export const CASE_INSENSITIVE_FS = process.platform === 'darwin' || process.platform === 'win32';

export function isInside(folderReal: string, pathReal: string, caseInsensitive: boolean = CASE_INSENSITIVE_FS): boolean {
  const rel = caseInsensitive ? relative(folderReal.toLowerCase(), pathReal.toLowerCase()) : relative(folderReal, pathReal);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
