/**
 * The three kinds of rule specifier and how each matches:
 *   commands  `bash(npm test)` exact, `bash(git diff:*)` prefix on a word boundary; matched
 *             against one simple command's words (quotes removed), never a whole command line,
 *             so `bash(npm test:*)` cannot approve `npm test && curl evil`;
 *   paths     `read(src/**)`, `edit(docs/**)`, `read(~/.aws/**)`, `read(/etc/hosts)`: a glob,
 *             relative to the project root unless it starts with `/` or `~/`;
 *   domains   `web_fetch(domain:nodejs.org)`: that host and its subdomains.
 */
import { isAbsolute, relative } from 'node:path';
import { compileGlob } from '../tools/glob-pattern.ts';
import { CASE_INSENSITIVE_FS } from './path-containment.ts';

export function commandMatches(specifier: string, words: readonly string[]): boolean {
  const command = words.join(' ');
  if (specifier.endsWith(':*')) {
    const prefix = normalizeSpaces(specifier.slice(0, -2));
    return command === prefix || command.startsWith(`${prefix} `);
  }
  return command === normalizeSpaces(specifier);
}

export function urlMatches(specifier: string, url: string): boolean {
  if (!specifier.startsWith('domain:')) return false;
  const domain = specifier.slice('domain:'.length).toLowerCase();
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === domain || host.endsWith(`.${domain}`);
}

/**
 * `path` is absolute and resolved (symlinks followed), so a link inside docs/ that points
 * elsewhere is judged by where it points. The glob syntax is the glob tool's own; a pattern
 * also covers everything below what it names (`read(src)` covers src/a.ts).
 */
export function pathMatches(specifier: string, path: string, projectRoot: string, home: string): boolean {
  let glob = specifier;
  if (glob === '~' || glob.startsWith('~/')) glob = `${home}${glob.slice(1)}`;
  if (isAbsolute(glob)) return globMatches(glob, path);
  const rel = relative(projectRoot, path);
  if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) return false;
  return globMatches(glob, rel);
}

const compiled = new Map<string, RegExp[]>();

/** The glob itself, everything below it, and for `dir/**` the folder itself. */
function globMatches(glob: string, path: string): boolean {
  const fold = (text: string): string => (CASE_INSENSITIVE_FS ? text.toLowerCase() : text);
  const key = fold(glob);
  let patterns = compiled.get(key);
  if (patterns === undefined) {
    const trimmed = key.replace(/\/+$/, '');
    const sources = [trimmed, `${trimmed}/**`];
    if (trimmed.endsWith('/**')) sources.push(trimmed.slice(0, -3));
    patterns = sources.filter((source) => source !== '').map((source) => compileGlob(source, { anchored: true, braces: true }));
    compiled.set(key, patterns);
  }
  const subject = fold(path);
  return patterns.some((pattern) => pattern.test(subject));
}

function normalizeSpaces(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}
