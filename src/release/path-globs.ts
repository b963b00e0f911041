/**
 * Glob matching for package paths (allowlists, confidential sources, unwanted-file rules).
 *
 * Users write these globs in their configuration the way they write .gitignore/.npmignore
 * lines, so two gitignore habits are honoured: a glob with no `/` matches a file's name in any
 * directory (`*.pem`), and a trailing `/` means "everything under that directory" (`fixtures/`).
 * Dotfiles match like any other file (`dot: true`): `.env` is exactly what an allowlist or a
 * confidential glob may need to name.
 */
import { Minimatch } from 'minimatch';

export type PathMatcher = (path: string) => boolean;

function compileOne(glob: string): PathMatcher {
  const trimmed = glob.trim().replace(/^\.\//, '');
  const directory = trimmed.endsWith('/');
  const pattern = directory ? `${trimmed}**` : trimmed;
  const bare = !pattern.includes('/');
  const matcher = new Minimatch(pattern, { dot: true, matchBase: bare, nocomment: true, nonegate: true });
  if (!directory) return (path) => matcher.match(path);
  // `fixtures/` also names a nested directory of that name, as it would in .npmignore.
  const nested = trimmed.slice(0, -1).includes('/') ? null : new Minimatch(`**/${pattern}`, { dot: true });
  return (path) => matcher.match(path) || (nested?.match(path) ?? false);
}

/** Compiles the globs once; the returned function is called for every published file. */
export function compileGlobs(globs: readonly string[]): PathMatcher {
  const matchers = globs.filter((glob) => glob.trim() !== '').map(compileOne);
  if (matchers.length === 0) return () => false;
  return (path) => matchers.some((matches) => matches(path));
}

/** One-off convenience: prefer `compileGlobs` in loops. */
export function matchesAny(path: string, globs: readonly string[]): boolean {
  return compileGlobs(globs)(path);
}
