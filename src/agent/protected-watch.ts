/**
 * The last line for protected paths the sandbox cannot hold: a missing `.vscode/tasks.json` or
 * `.envrc` directly in the project would need a placeholder in the user's tree to be held
 * read-only. Instead, before a command runs ward notes which protected paths do not exist, and
 * after it ends moves aside whatever the command created there, before any later action can
 * use it, and says so to the model and the user.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export interface MovedAside {
  readonly path: string;
  readonly movedTo: string;
}

export function missingPaths(paths: readonly string[]): string[] {
  return paths.filter((path) => !exists(path));
}

/** Moves each of `missing` that now exists into a fresh folder under `quarantineRoot`. */
export function moveAsideCreated(missing: readonly string[], projectRoot: string, quarantineRoot: string): MovedAside[] {
  const created = missing.filter((path) => exists(path) && !isInert(path));
  if (created.length === 0) return [];
  const folder = join(quarantineRoot, new Date().toISOString().replace(/[:.]/g, '-'));
  return created.map((path) => {
    const movedTo = join(folder, relative(projectRoot, path));
    mkdirSync(dirname(movedTo), { recursive: true, mode: 0o700 });
    try {
      renameSync(path, movedTo);
    } catch {
      // Another file system: copy, then remove.
      cpSync(path, movedTo, { recursive: true, verbatimSymlinks: true });
      rmSync(path, { recursive: true, force: true });
    }
    return { path, movedTo };
  });
}

/**
 * What cannot make anything run: an empty folder (the sandbox itself creates an empty
 * .git/hooks in a repository without one), or git's own inert `*.sample` hooks (git init).
 */
function isInert(path: string): boolean {
  try {
    if (!lstatSync(path).isDirectory()) return false;
    return readdirSync(path, { recursive: true, withFileTypes: true }).every((entry) => entry.isDirectory() || (entry.isFile() && entry.name.endsWith('.sample')));
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return existsSync(path);
  }
}
