/**
 * Reads a sed script far enough to find what makes it more than a text filter: the `e`
 * command and the `e` flag of `s` run shell commands; `w`/`W` and the `w` flag write files;
 * `r`/`R` read files. Anything it cannot follow counts as unsafe, never as harmless.
 */

export interface SedEffects {
  /** Runs shell commands. */
  readonly executes: boolean;
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  /** Something the scanner did not recognise. */
  readonly unknown: boolean;
}

const SIMPLE_COMMANDS = new Set(['=', 'd', 'D', 'g', 'G', 'h', 'H', 'n', 'N', 'p', 'P', 'x', 'z', 'F', 'l', 'L', 'q', 'Q', '{', '}']);
const LABEL_COMMANDS = new Set(['b', 't', 'T', ':', 'v']);
const TEXT_COMMANDS = new Set(['a', 'i', 'c']);

export function scanSedScript(script: string): SedEffects {
  const reads: string[] = [];
  const writes: string[] = [];
  let executes = false;
  let unknown = false;
  let i = 0;
  const restOfLine = (): string => {
    const end = script.indexOf('\n', i);
    const text = script.slice(i, end === -1 ? script.length : end);
    i = end === -1 ? script.length : end + 1;
    return text.trim();
  };
  while (i < script.length) {
    i = skipAddress(script, skipSeparators(script, i));
    if (i >= script.length) break;
    const command = script[i] ?? '';
    i++;
    if (command === '#') restOfLine();
    else if (SIMPLE_COMMANDS.has(command)) i = skipDigits(script, i);
    else if (LABEL_COMMANDS.has(command)) i = skipToSeparator(script, i);
    else if (TEXT_COMMANDS.has(command)) i = skipText(script, i);
    else if (command === 'e') {
      executes = true;
      restOfLine();
    } else if (command === 'w' || command === 'W') writes.push(restOfLine());
    else if (command === 'r' || command === 'R') reads.push(restOfLine());
    else if (command === 's' || command === 'y') {
      const end = skipDelimited(script, i, 2);
      if (end === null) {
        unknown = true;
        break;
      }
      i = end;
      if (command === 's') {
        const flags = /^[gpimMeIw0-9]*/.exec(script.slice(i))?.[0] ?? '';
        i += flags.length;
        if (flags.includes('e')) executes = true;
        if (flags.includes('w')) writes.push(restOfLine());
      }
    } else {
      unknown = true;
      break;
    }
  }
  return { executes, reads, writes, unknown };
}

function skipSeparators(script: string, i: number): number {
  while (i < script.length && /[\s;]/.test(script[i] ?? '')) i++;
  return i;
}

/** Skips an address: line numbers, `$`, `/re/`, `\cREc`, ranges, steps, `!`. */
function skipAddress(script: string, i: number): number {
  for (;;) {
    const char = script[i] ?? '';
    if (/[0-9$,~+!\s]/.test(char) && char !== '\n') i++;
    else if (char === '/') i = skipRegex(script, i + 1, '/');
    else if (char === '\\' && i + 1 < script.length) i = skipRegex(script, i + 2, script[i + 1] ?? '');
    else if ((char === 'I' || char === 'M') && i > 0 && script[i - 1] === '/') i++;
    else return i;
  }
}

function skipRegex(script: string, i: number, delimiter: string): number {
  while (i < script.length && script[i] !== delimiter) i += script[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** Skips `count` delimited parts after the delimiter at i: `/a/b/` for s. Null when unterminated. */
function skipDelimited(script: string, i: number, count: number): number | null {
  const delimiter = script[i];
  if (delimiter === undefined || delimiter === '\n' || delimiter === '\\') return null;
  i++;
  for (let part = 0; part <= count - 1; part++) {
    while (i < script.length && script[i] !== delimiter) i += script[i] === '\\' ? 2 : 1;
    if (i >= script.length) return null;
    i++;
  }
  return i;
}

function skipDigits(script: string, i: number): number {
  while (/[0-9 ]/.test(script[i] ?? '')) i++;
  return i;
}

function skipToSeparator(script: string, i: number): number {
  while (i < script.length && script[i] !== ';' && script[i] !== '\n') i++;
  return i;
}

/** `a text`, `a\` + lines: the text runs to the end of the line, continued by a trailing backslash. */
function skipText(script: string, i: number): number {
  while (i < script.length) {
    if (script[i] === '\\' && i + 1 < script.length) {
      i += 2;
      continue;
    }
    if (script[i] === '\n') return i + 1;
    i++;
  }
  return i;
}
