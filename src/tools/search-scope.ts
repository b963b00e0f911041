/**
 * Which files a glob or grep call looks at: a folder, an optional user glob (split so the
 * walk starts at the glob's literal folders), and the names always skipped. Both tools list
 * files through here, with ripgrep or with the JavaScript walk, and filter with the same
 * compiled glob, so the two paths agree on every pattern.
 */
import { resolve } from 'node:path';
import { walkFiles, type WalkedFile } from './file-walk.ts';
import { compileGlob, patternNames, splitGlob } from './glob-pattern.ts';
import { ripgrepRelative, spawnRipgrep } from './ripgrep.ts';
import type { ToolEnvironment } from './types.ts';

export interface SearchScope {
  /** Absolute folder searched: the requested folder plus the glob's literal leading folders. */
  readonly dir: string;
  /** Matches paths relative to `dir`; null when every file counts. */
  readonly matcher: RegExp | null;
  /** The glob when it only constrains file names, usable as a ripgrep prefilter. */
  readonly nameGlob: string | null;
  readonly skipNames: ReadonlySet<string>;
}

const ALWAYS_SKIPPED = ['.git', 'node_modules'];

/** Throws GlobSyntaxError for a pattern that cannot be compiled. */
export function buildScope(folder: string, glob: string | undefined): SearchScope {
  const skipNames = new Set(ALWAYS_SKIPPED.filter((name) => glob === undefined || !patternNames(glob, name)));
  if (glob === undefined) return { dir: folder, matcher: null, nameGlob: null, skipNames };
  const split = splitGlob(glob);
  return {
    dir: resolve(folder, split.base),
    matcher: compileGlob(split.rest, { anchored: split.anchored, braces: true }),
    nameGlob: split.anchored || split.rest.includes(':') ? null : split.rest,
    skipNames,
  };
}

export function scopeAccepts(scope: SearchScope, rel: string): boolean {
  return scope.matcher === null || scope.matcher.test(rel);
}

/** ripgrep flags that make it walk exactly like walkFiles. */
export function ripgrepWalkArgs(scope: SearchScope): string[] {
  const args = ['--hidden', '--no-require-git', '--no-ignore-dot', '--no-ignore-global', '--no-ignore-exclude'];
  for (const name of scope.skipNames) args.push('--glob', `!${name}`);
  // A --glob would override .gitignore for the files it names; a file type does not.
  if (scope.nameGlob !== null) args.push('--type-add', `wardglob:${scope.nameGlob}`, '--type', 'wardglob');
  return args;
}

/** Every file in scope, relative paths to `scope.dir`. Order: ripgrep's, or sorted for the walk. */
export async function* listScopeFiles(env: ToolEnvironment, scope: SearchScope, signal: AbortSignal): AsyncGenerator<WalkedFile> {
  if (env.ripgrepPath !== null) {
    const rg = spawnRipgrep(env, env.ripgrepPath, ['--files', ...ripgrepWalkArgs(scope), '.'], scope.dir, signal);
    try {
      for await (const line of rg.lines) {
        const rel = ripgrepRelative(line);
        if (scopeAccepts(scope, rel)) yield { path: resolve(scope.dir, rel), rel };
      }
    } finally {
      rg.stop();
    }
    const exit = await rg.exit;
    signal.throwIfAborted();
    if (exit.spawnError === undefined) return;
    // ripgrep is configured but would not start: the walk below still answers.
  }
  for await (const file of walkFiles({ root: scope.dir, skipNames: scope.skipNames, signal })) {
    if (scopeAccepts(scope, file.rel)) yield file;
  }
}
