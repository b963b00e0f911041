/**
 * `find`: its starting points are reads; `-exec`/`-execdir`/`-ok`/`-okdir` run a command for
 * each file found (analysed like any other, with `{}` standing for everything under the
 * starting points); `-delete` deletes what it finds; `-fprint` and friends write files.
 */
import type { Word } from './words.ts';

export interface FindExec {
  readonly action: string;
  readonly words: readonly Word[];
}

export interface FindAnalysis {
  /** Starting points: where it reads, and what `{}` stands for. */
  readonly roots: readonly Word[];
  readonly execs: readonly FindExec[];
  readonly deletes: boolean;
  readonly writes: readonly Word[];
  readonly reads: readonly Word[];
}

const EXEC_ACTIONS = new Set(['-exec', '-execdir', '-ok', '-okdir']);
const WRITE_ACTIONS = new Set(['-fprint', '-fprint0', '-fls', '-fprintf']);
const READ_TESTS = new Set(['-newer', '-anewer', '-cnewer', '-samefile', '-files0-from']);
/** Options before the starting points. */
const LEADING = /^-(H|L|P|D|O\d*)$/;

export function analyseFind(words: readonly Word[]): FindAnalysis {
  const roots: Word[] = [];
  const execs: FindExec[] = [];
  const writes: Word[] = [];
  const reads: Word[] = [];
  let deletes = false;
  let i = 1;
  while (i < words.length && LEADING.test(words[i]?.value ?? '')) i += words[i]?.value === '-D' ? 2 : 1;
  for (; i < words.length; i++) {
    const value = words[i]?.value ?? '';
    const word = words[i];
    if (!word || value.startsWith('-') || value === '(' || value === '!' || value === ')' || value === ',') break;
    roots.push(word);
  }
  for (; i < words.length; i++) {
    const value = words[i]?.value ?? '';
    if (EXEC_ACTIONS.has(value)) {
      const start = i + 1;
      let end = start;
      while (end < words.length && words[end]?.value !== ';' && !(words[end]?.value === '+' && words[end - 1]?.value === '{}')) end++;
      execs.push({ action: value, words: words.slice(start, end) });
      i = end;
    } else if (value === '-delete') {
      deletes = true;
    } else if (WRITE_ACTIONS.has(value)) {
      const target = words[i + 1];
      if (target) writes.push(target);
      i += value === '-fprintf' ? 2 : 1;
    } else if (READ_TESTS.has(value)) {
      const target = words[i + 1];
      if (target) reads.push(target);
      i++;
    }
  }
  return { roots, execs, deletes, writes, reads };
}
