/**
 * Memory files: the AGENTS.md instructions a user and a repository give every session. They
 * are read once at session start and put in the system prompt, so they sit in the cached
 * prefix and survive compaction verbatim (compaction only rewrites messages).
 *
 * Order: the user's own file ($WARD_HOME/AGENTS.md), then one per folder from the repository
 * root (the nearest folder up with .git, or the project itself) down to the working
 * directory: the nearer a file is to the work, the later it comes, so it has the last word.
 *
 * A line that is only `@path` includes that file, resolved from the importing file's folder,
 * at most five levels deep and never in a cycle. A repository may not pull files from outside
 * itself (an `@~/.ssh/id_rsa` would send a secret to the model) unless the project is trusted.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export const MEMORY_FILE_NAME = 'AGENTS.md';
export const DEFAULT_MEMORY_FILE_CAP_BYTES = 64 * 1024;
const MAX_IMPORT_DEPTH = 5;

export interface MemoryOptions {
  readonly projectRoot: string;
  /** The folder of the user-level AGENTS.md (ward's home), or null for none. */
  readonly userDir: string | null;
  /** True when the project is trusted: its memory files may import files outside it. */
  readonly importsOutsideProjectAllowed: boolean;
  readonly maxFileBytes?: number;
}

export interface MemoryFile {
  readonly path: string;
  readonly bytes: number;
  /** The file that imported this one; absent for AGENTS.md files found by location. */
  readonly importedBy?: string;
}

export interface LoadedMemory {
  /** Every file read, imports included, in reading order. */
  readonly files: readonly MemoryFile[];
  readonly totalBytes: number;
  /** One section per AGENTS.md found by location, its imports expanded in place. */
  readonly sections: readonly { readonly path: string; readonly text: string }[];
  readonly warnings: readonly string[];
}

/** The nearest folder at or above `start` holding .git, or `start` when there is none. */
export function repositoryRootOf(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return resolve(start);
  }
}

/** The folders from `top` down to `bottom`, both included; `bottom` alone when it is not under `top`. */
function foldersDown(top: string, bottom: string): string[] {
  const rel = relative(top, bottom);
  if (rel.startsWith('..') || isAbsolute(rel)) return [bottom];
  const parts = rel === '' ? [] : rel.split(sep);
  return [top, ...parts.map((_, index) => join(top, ...parts.slice(0, index + 1)))];
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export function loadMemoryFiles(options: MemoryOptions): LoadedMemory {
  const cap = options.maxFileBytes ?? DEFAULT_MEMORY_FILE_CAP_BYTES;
  const files: MemoryFile[] = [];
  const warnings: string[] = [];
  const sections: { path: string; text: string }[] = [];
  const repoRoot = realOrSelf(repositoryRootOf(options.projectRoot));

  const readCapped = (path: string, importedBy: string | undefined): string | null => {
    let buffer: Buffer;
    try {
      if (!statSync(path).isFile()) return null;
      buffer = readFileSync(path);
    } catch (error) {
      warnings.push(`memory file ${path} could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); skipped`);
      return null;
    }
    files.push({ path, bytes: buffer.length, ...(importedBy === undefined ? {} : { importedBy }) });
    if (buffer.length <= cap) return buffer.toString('utf8');
    warnings.push(`memory file ${path} is ${buffer.length} bytes; only its first ${cap} bytes are used`);
    return buffer.subarray(0, cap).toString('utf8');
  };

  /** Expands `@path` lines; `boundary` is the folder imports must stay in, or null for anywhere. */
  const expand = (text: string, from: string, boundary: string | null, chain: readonly string[]): string =>
    text
      .split('\n')
      .map((line) => {
        const match = /^@(\S+)$/.exec(line.trim());
        if (match?.[1] === undefined) return line;
        const target = resolve(dirname(from), match[1]);
        const real = realOrSelf(target);
        if (!existsSync(real)) {
          warnings.push(`${from}: import ${match[1]} not found; skipped`);
          return line;
        }
        if (boundary !== null && !isInside(boundary, real)) {
          warnings.push(`${from}: import ${match[1]} is outside the project and the project is not trusted; skipped (trust it with ward trust)`);
          return '';
        }
        if (chain.includes(real)) {
          warnings.push(`${from}: import ${match[1]} would form a cycle; skipped`);
          return '';
        }
        if (chain.length > MAX_IMPORT_DEPTH) {
          warnings.push(`${from}: import ${match[1]} is more than ${MAX_IMPORT_DEPTH} levels deep; skipped`);
          return '';
        }
        const content = readCapped(real, from);
        return content === null ? '' : expand(content, real, boundary, [...chain, real]).trimEnd();
      })
      .join('\n');

  const addSection = (path: string, boundary: string | null): void => {
    const real = realOrSelf(path);
    if (!existsSync(real)) return;
    const content = readCapped(path, undefined);
    if (content === null) return;
    sections.push({ path, text: expand(content, real, boundary, [real]).trim() });
  };

  const userFile = options.userDir === null ? null : join(options.userDir, MEMORY_FILE_NAME);
  // The user's own file imports what the user chose; no boundary applies to it.
  if (userFile !== null) addSection(userFile, null);
  const boundary = options.importsOutsideProjectAllowed ? null : repoRoot;
  for (const folder of foldersDown(repoRoot, realOrSelf(options.projectRoot))) {
    const path = join(folder, MEMORY_FILE_NAME);
    if (userFile !== null && realOrSelf(path) === realOrSelf(userFile)) continue;
    addSection(path, boundary);
  }

  return { files, totalBytes: files.reduce((sum, file) => sum + file.bytes, 0), sections, warnings };
}

/** The memory files as a system-prompt section, or '' when there are none. */
export function formatMemorySection(memory: LoadedMemory): string {
  if (memory.sections.length === 0) return '';
  return [
    '# Instructions from AGENTS.md files',
    'Follow these; a file later in the list (nearer the working directory) takes precedence.',
    ...memory.sections.map((section) => `\n## ${section.path}\n\n${section.text}`),
  ].join('\n');
}
