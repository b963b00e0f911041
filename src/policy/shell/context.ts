/**
 * The state one analysis carries while it walks: what it has found so far, where it is
 * (which commands it is nested in), and which directories the shell may be in. Paths are
 * reported relative to the directory the command line starts in, so after `cd ~/.ssh`, a
 * later `cat id_rsa` is reported as `~/.ssh/id_rsa`. Because a `cd` can fail, the possible
 * directories are a set; when it cannot be known (`cd "$X"`, `cd -`), relative paths are a risk.
 */
import { posix } from 'node:path';
import type { PathAccess, ShellRisk, SimpleCommand } from './types.ts';
import type { SyntaxNode, SyntaxTree } from './parser.ts';
import type { Word } from './words.ts';

/** Possible working directories relative to the start ('' is the start), or null when unknown. */
export type Cwd = readonly string[] | null;

/** The directories after a statement: if it succeeded (`ok`, what `&&` continues in) or in any case. */
export interface Outcome {
  readonly ok: Cwd;
  readonly any: Cwd;
}

/** What a command reads as its standard input, when that matters (a shell running it). */
export type Stdin =
  | { readonly kind: 'terminal' }
  | { readonly kind: 'pipe' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'text'; readonly text: string; readonly dynamic: boolean; readonly start: number };

export interface Placeholder {
  /** The text standing for the files, `{}` for find, the -I string for xargs. */
  readonly token: string;
  /** Paths it stands for (find: everything under the roots); null when only known at run time. */
  readonly paths: readonly string[] | null;
  /** The directories those paths are relative to (where find started). */
  readonly cwd: Cwd;
}

export interface Scope {
  /** Commands this part runs inside, outermost first: `sh`, `xargs`, `find`. */
  readonly via: readonly string[];
  /** Source offsets of the enclosing words, to keep nested commands in source order. */
  readonly origin: readonly number[];
  /** Nesting depth, bounded so hostile input cannot exhaust the stack. */
  readonly depth: number;
  readonly placeholder: Placeholder | null;
}

export interface OrderedCommand {
  readonly command: SimpleCommand;
  readonly key: readonly number[];
}

export interface Collector {
  readonly commands: OrderedCommand[];
  readonly paths: PathAccess[];
  readonly risks: ShellRisk[];
  readonly seenPaths: Set<string>;
  readonly seenRisks: Set<string>;
  /** Parses a nested script (`sh -c`, `eval`, here-docs fed to a shell); null when the parser is unavailable. */
  readonly parse: (source: string) => SyntaxTree | null;
}

export const MAX_DEPTH = 150;
/** More possible directories than this and the analysis gives up tracking them. */
const MAX_CWDS = 8;
export const START_CWD: Cwd = [''];

export function same(cwd: Cwd): Outcome {
  return { ok: cwd, any: cwd };
}

export function addRisk(col: Collector, kind: string, detail: string): void {
  const key = `${kind}\0${detail}`;
  if (col.seenRisks.has(key)) return;
  col.seenRisks.add(key);
  col.risks.push({ kind, detail });
}

export function snippet(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function isAbsoluteOrHome(path: string): boolean {
  return path.startsWith('/') || path === '~' || path.startsWith('~/');
}

/**
 * Records an access to a path as written, once per directory the shell may be in. A dynamic
 * path cannot be checked, so it is a risk; a pattern is reported as written and flagged.
 */
export function addPath(col: Collector, cwd: Cwd, word: Pick<Word, 'value' | 'dynamic' | 'pattern' | 'processSubstitution'>, access: 'read' | 'write', origin: string): void {
  if (word.processSubstitution || word.value === '') return;
  if (word.dynamic) {
    addRisk(col, 'dynamic-path', `${origin}: ${snippet(word.value)} is only known when the command runs`);
    return;
  }
  if (isAbsoluteOrHome(word.value)) {
    // bash itself opens a connection for /dev/tcp/host/port and /dev/udp/host/port.
    if (/^\/dev\/(tcp|udp)\//.test(word.value)) addRisk(col, 'network', `${origin}: ${snippet(word.value)} is a network connection opened by bash`);
    recordPath(col, word.value, access, origin, word.pattern);
    return;
  }
  if (cwd === null) {
    addRisk(col, 'dynamic-path', `${origin}: ${snippet(word.value)} is relative to a directory only known when the command runs`);
    return;
  }
  for (const dir of cwd) recordPath(col, dir === '' ? word.value : `${dir.endsWith('/') ? dir : `${dir}/`}${word.value}`, access, origin, word.pattern);
}

function recordPath(col: Collector, path: string, access: 'read' | 'write', origin: string, pattern: boolean): void {
  const key = `${access}\0${path}\0${origin}`;
  if (col.seenPaths.has(key)) return;
  col.seenPaths.add(key);
  col.paths.push({ path, access, origin, pattern });
}

export function unionCwd(a: Cwd, b: Cwd): Cwd {
  if (a === null || b === null) return null;
  if (a === b) return a;
  const merged = [...new Set([...a, ...b])];
  return merged.length > MAX_CWDS ? null : merged;
}

/** The directories after `cd target` succeeds; `cd` collapses `..` by name, as bash's default `cd -L` does. */
export function changeDirectory(cwd: Cwd, target: string | null): Cwd {
  if (cwd === null || target === null) return null;
  if (isAbsoluteOrHome(target)) return [tidy(target)];
  const next = cwd.map((dir) => tidy(dir === '' ? target : `${dir}/${target}`));
  return unionCwd(next, next);
}

/** `a/./b/../c/` -> `a/c`; the start directory is ''. */
function tidy(path: string): string {
  const normal = posix.normalize(path);
  if (normal === '.' || normal === './') return '';
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}

export function nestedScope(scope: Scope, via: string | null, origin: number, placeholder: Placeholder | null = scope.placeholder): Scope {
  return {
    via: via === null ? scope.via : [...scope.via, via],
    origin: [...scope.origin, origin],
    depth: scope.depth + 1,
    placeholder,
  };
}

export function pushCommand(col: Collector, scope: Scope, command: SimpleCommand, start: number): void {
  col.commands.push({ command, key: [...scope.origin, start] });
}

export function compareKeys(a: readonly number[], b: readonly number[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

export type { SyntaxNode };
