/**
 * Path helpers shared by the file tools. A path from the model is resolved against the
 * project root (absolute paths are kept as given); `~` is deliberately not expanded, because
 * the model must not reach the home directory by a shorthand the policy would have to guess.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** The absolute path a user-supplied path names, relative paths taken from the project root. */
export function resolveToolPath(userPath: string, projectRoot: string): string {
  return resolve(projectRoot, userPath);
}

/**
 * How a path is shown to the model: relative to the project root when inside it (with `/`
 * separators, `.` for the root itself), absolute otherwise, so the model can pass it back.
 */
export function displayPath(absolutePath: string, projectRoot: string): string {
  const rel = relative(projectRoot, absolutePath);
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return absolutePath;
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** A relative path with `/` separators whatever the platform, as globs and gitignore expect. */
export function toPosixPath(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
