/**
 * The JavaScript file walk used when ripgrep is not installed. It lists the same files as
 * `rg --files --hidden --no-require-git --no-ignore-dot --no-ignore-global --no-ignore-exclude
 * --sort path`: hidden files included, .gitignore files honoured (the root's, nested ones,
 * and those of parent folders), symbolic links not followed, `.git` and `node_modules` skipped
 * when asked, in ripgrep's order (each folder's entries by name, depth first).
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type IgnoreStack, loadAncestorIgnores, loadGitignore } from './gitignore.ts';

export interface WalkOptions {
  /** Absolute folder to walk. It is listed even if an ignore rule would exclude it. */
  readonly root: string;
  /** Entry names never entered or listed, such as `.git` and `node_modules`. */
  readonly skipNames: ReadonlySet<string>;
  readonly signal: AbortSignal;
}

export interface WalkedFile {
  readonly path: string;
  /** Relative to the walk's root, with `/` separators. */
  readonly rel: string;
}

export async function* walkFiles(options: WalkOptions): AsyncGenerator<WalkedFile> {
  const stack = await loadAncestorIgnores(options.root);
  yield* walkFolder(options.root, '', stack, options);
}

async function* walkFolder(dir: string, relDir: string, parent: IgnoreStack, options: WalkOptions): AsyncGenerator<WalkedFile> {
  options.signal.throwIfAborted();
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    // An unreadable folder is skipped, as ripgrep skips it (with a warning we do not need).
    return;
  }
  const stack = parent.with(await loadGitignore(dir));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (options.skipNames.has(entry.name)) continue;
    const path = join(dir, entry.name);
    const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!stack.ignores(path, true)) yield* walkFolder(path, rel, stack, options);
    } else if (entry.isFile()) {
      if (!stack.ignores(path, false)) yield { path, rel };
    }
    // Symbolic links, sockets and devices are not listed, as ripgrep does not follow links.
  }
}
