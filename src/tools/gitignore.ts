/**
 * .gitignore rules, matched the way git (and ripgrep) apply them: each file's rules are
 * relative to its folder, a deeper file overrides a shallower one, and within a file the last
 * matching rule wins, so `!keep.log` after `*.log` re-includes. Walkers prune ignored folders,
 * which gives git's "a file in an excluded folder cannot be re-included" for free.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { compileGlob, GlobSyntaxError } from './glob-pattern.ts';
import { toPosixPath } from './paths.ts';

interface Rule {
  readonly regex: RegExp;
  readonly negated: boolean;
  readonly directoryOnly: boolean;
}

export interface IgnoreFile {
  /** The folder the rules are relative to. */
  readonly dir: string;
  readonly rules: readonly Rule[];
}

export function parseGitignore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const rawLine of text.split('\n')) {
    let line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '' || line.startsWith('#')) continue;
    // Trailing spaces are dropped unless escaped with a backslash.
    line = line.replace(/(?<!\\)\s+$/u, '');
    let negated = false;
    if (line.startsWith('!')) {
      negated = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1);
    }
    let directoryOnly = false;
    if (line.endsWith('/') && !line.endsWith('\\/')) {
      directoryOnly = true;
      line = line.slice(0, -1);
    }
    if (line === '') continue;
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    try {
      rules.push({ regex: compileGlob(line, { anchored, braces: false }), negated, directoryOnly });
    } catch (error) {
      // git skips a pattern it cannot use; so do we.
      if (!(error instanceof GlobSyntaxError)) throw error;
    }
  }
  return rules;
}

/** true: ignored; false: re-included by a `!` rule; undefined: no rule in this file matches. */
function decide(file: IgnoreFile, path: string, isDir: boolean): boolean | undefined {
  const rel = toPosixPath(relative(file.dir, path));
  if (rel === '' || rel === '..' || rel.startsWith('../') || isAbsolute(rel)) return undefined;
  for (let i = file.rules.length - 1; i >= 0; i--) {
    const rule = file.rules[i];
    if (rule === undefined || (rule.directoryOnly && !isDir)) continue;
    if (rule.regex.test(rel)) return !rule.negated;
  }
  return undefined;
}

/** The ignore files in force at one folder: its ancestors' and its own, deepest last. */
export class IgnoreStack {
  readonly #files: readonly IgnoreFile[];

  constructor(files: readonly IgnoreFile[] = []) {
    this.#files = files;
  }

  with(file: IgnoreFile | undefined): IgnoreStack {
    return file === undefined || file.rules.length === 0 ? this : new IgnoreStack([...this.#files, file]);
  }

  ignores(path: string, isDir: boolean): boolean {
    for (let i = this.#files.length - 1; i >= 0; i--) {
      const file = this.#files[i];
      if (file === undefined) continue;
      const verdict = decide(file, path, isDir);
      if (verdict !== undefined) return verdict;
    }
    return false;
  }
}

/** The .gitignore of one folder, or undefined when it has none (or it cannot be read). */
export async function loadGitignore(dir: string): Promise<IgnoreFile | undefined> {
  try {
    return { dir, rules: parseGitignore(await readFile(join(dir, '.gitignore'), 'utf8')) };
  } catch {
    return undefined;
  }
}

/**
 * The rules from every .gitignore above `dir` (not `dir`'s own), outermost first, as ripgrep
 * applies parent ignore files even outside a git repository with --no-require-git.
 */
export async function loadAncestorIgnores(dir: string): Promise<IgnoreStack> {
  const ancestors: string[] = [];
  for (let current = dirname(dir); ; current = dirname(current)) {
    ancestors.unshift(current);
    if (dirname(current) === current) break;
  }
  if (dirname(dir) === dir) ancestors.length = 0;
  let stack = new IgnoreStack();
  for (const ancestor of ancestors) stack = stack.with(await loadGitignore(ancestor));
  return stack;
}
