/**
 * Glob patterns with gitignore/ripgrep semantics, compiled to regular expressions, so the
 * ripgrep path and the JavaScript path of glob and grep match exactly the same files:
 *   - a pattern without `/` matches a file name at any depth (`*.ts`);
 *   - a pattern with `/` is anchored to the folder searched (`src/*.ts`, `src/**\/*.ts`);
 *   - `*` and `?` never cross `/`; `**` as a whole segment spans any number of folders;
 *   - `[abc]`, `[a-z]`, `[!a]` classes; `{a,b}` alternatives (not in .gitignore); `\` escapes.
 * A leading `*` matches dot files too, as in ripgrep.
 */

export class GlobSyntaxError extends Error {}

export interface CompileOptions {
  /** Match the whole relative path (true) or the file name at any depth (false). */
  readonly anchored: boolean;
  /** Whether `{a,b}` is an alternative (true for user globs, false for .gitignore). */
  readonly braces: boolean;
}

export function compileGlob(pattern: string, options: CompileOptions): RegExp {
  const body = translate(pattern, options.braces);
  try {
    return new RegExp(options.anchored ? `^${body}$` : `^(?:.*/)?${body}$`, 'u');
  } catch (error) {
    throw new GlobSyntaxError(`invalid glob pattern "${pattern}": ${(error as Error).message}`);
  }
}

const metaChars = /[*?[{\\]/;
const regexSpecial = /[\\^$.*+?()[\]{}|/]/;

function translate(pattern: string, braces: boolean): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i] ?? '';
    if (char === '\\') {
      const next = pattern[i + 1];
      out += escapeChar(next ?? '\\');
      i += next === undefined ? 1 : 2;
    } else if (char === '*') {
      if (pattern[i + 1] === '*') {
        const atSegmentStart = i === 0 || pattern[i - 1] === '/';
        const after = i + 2;
        if (atSegmentStart && after === pattern.length) {
          out += '.*';
          i = after;
        } else if (atSegmentStart && pattern[after] === '/') {
          out += '(?:.*/)?';
          i = after + 1;
        } else {
          out += '[^/]*';
          i = after;
        }
      } else {
        out += '[^/]*';
        i++;
      }
    } else if (char === '?') {
      out += '[^/]';
      i++;
    } else if (char === '[') {
      const parsed = parseClass(pattern, i);
      out += parsed?.regex ?? '\\[';
      i = parsed?.end ?? i + 1;
    } else if (char === '{' && braces) {
      const parsed = parseBraces(pattern, i);
      if (parsed === undefined) {
        out += '\\{';
        i++;
      } else {
        out += `(?:${parsed.alternatives.map((alt) => translate(alt, braces)).join('|')})`;
        i = parsed.end;
      }
    } else {
      out += escapeChar(char);
      i++;
    }
  }
  return out;
}

function escapeChar(char: string): string {
  return regexSpecial.test(char) ? `\\${char}` : char;
}

/** A `[...]` class starting at `start`, or undefined when it is not closed (then `[` is literal). */
function parseClass(pattern: string, start: number): { regex: string; end: number } | undefined {
  let i = start + 1;
  let negated = false;
  if (pattern[i] === '!' || pattern[i] === '^') {
    negated = true;
    i++;
  }
  let body = '';
  let first = true;
  while (i < pattern.length) {
    const char = pattern[i] ?? '';
    if (char === ']' && !first) {
      // A class never matches the path separator, like `*` and `?`.
      return { regex: negated ? `[^${body}/]` : `(?!/)[${body}]`, end: i + 1 };
    }
    if (char === '\\' && i + 1 < pattern.length) {
      body += classLiteral(pattern[i + 1] ?? '');
      i += 2;
    } else {
      body += char === '-' ? char : classLiteral(char);
      i++;
    }
    first = false;
  }
  return undefined;
}

function classLiteral(char: string): string {
  return '[]^\\-'.includes(char) ? `\\${char}` : char;
}

/** The top-level alternatives of a `{...}` group starting at `start`. */
function parseBraces(pattern: string, start: number): { alternatives: string[]; end: number } | undefined {
  let depth = 0;
  let current = '';
  const alternatives: string[] = [];
  for (let i = start; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    if (char === '\\') {
      current += pattern.slice(i, i + 2);
      i++;
      continue;
    }
    if (char === '{') {
      depth++;
      if (depth === 1) continue;
    } else if (char === '}') {
      depth--;
      if (depth === 0) {
        alternatives.push(current);
        return { alternatives, end: i + 1 };
      }
    } else if (char === ',' && depth === 1) {
      alternatives.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  return undefined;
}

export interface SplitGlob {
  /** The literal leading folders of the pattern ('' when none), absolute if the pattern was. */
  readonly base: string;
  /** The rest of the pattern, matched against paths relative to `base`. */
  readonly rest: string;
  readonly anchored: boolean;
}

/**
 * Splits a user glob into the literal folders it starts with and the rest, so a search for
 * `src/**\/*.ts` walks only `src`. A pattern ending in `/` means the files inside that folder.
 */
export function splitGlob(pattern: string): SplitGlob {
  let p = pattern;
  while (p.startsWith('./')) p = p.slice(2);
  if (p.endsWith('/')) p += '**';
  const anchored = p.includes('/');
  if (!anchored) return { base: '', rest: p, anchored };
  const segments = p.split('/');
  let literal = 0;
  while (literal < segments.length - 1 && !metaChars.test(segments[literal] ?? '')) literal++;
  const baseSegments = segments.slice(0, literal);
  const base = baseSegments.length === 1 && baseSegments[0] === '' ? '/' : baseSegments.join('/');
  return { base, rest: segments.slice(literal).join('/'), anchored };
}

/** Whether a pattern names a folder explicitly as one of its segments (or brace alternatives). */
export function patternNames(pattern: string, name: string): boolean {
  return pattern.split(/[/{},]/).includes(name);
}
