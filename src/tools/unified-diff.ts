/**
 * A unified diff (as `diff -u` and `git diff` print it) of two texts, for showing the model
 * and the user what an edit changed. Lines are compared with their line terminator, so a
 * change of only the final newline is a change, shown with "\ No newline at end of file";
 * `\r` stays part of a line, so CRLF texts diff correctly too. The line matching is Myers'
 * O(ND) algorithm after trimming the common head and tail; past a work limit it gives up on
 * finding the shortest script and shows the differing middle as one replacement, which is
 * still a correct diff.
 */

export interface UnifiedDiffOptions {
  /** Shown on the `---` line. */
  readonly oldPath: string;
  /** Shown on the `+++` line; defaults to oldPath. */
  readonly newPath?: string;
  /** Unchanged lines shown around each change. */
  readonly context?: number;
}

type Op = { readonly type: 'equal' | 'delete' | 'insert'; readonly oldIndex: number; readonly newIndex: number };

/** Returns the diff text ending in a newline, or '' when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, options: UnifiedDiffOptions): string {
  if (oldText === newText) return '';
  const context = options.context ?? 3;
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const ops = diffLines(a, b);
  const out = [`--- ${options.oldPath}`, `+++ ${options.newPath ?? options.oldPath}`];
  for (const [start, end] of hunkRanges(ops, context)) {
    const hunk = ops.slice(start, end);
    const first = hunk[0];
    if (first === undefined) continue;
    const oldCount = hunk.filter((op) => op.type !== 'insert').length;
    const newCount = hunk.filter((op) => op.type !== 'delete').length;
    out.push(`@@ -${range(first.oldIndex, oldCount)} +${range(first.newIndex, newCount)} @@`);
    for (const op of hunk) {
      const line = op.type === 'insert' ? (b[op.newIndex] ?? '') : (a[op.oldIndex] ?? '');
      const prefix = op.type === 'equal' ? ' ' : op.type === 'delete' ? '-' : '+';
      if (line.endsWith('\n')) {
        out.push(prefix + line.slice(0, -1));
      } else {
        out.push(prefix + line, '\\ No newline at end of file');
      }
    }
  }
  return `${out.join('\n')}\n`;
}

/** `start,count` as diff prints it: a 1-based start, the count left out when it is 1, and an
 *  empty range named by the line before it. */
function range(startIndex: number, count: number): string {
  if (count === 0) return `${startIndex},0`;
  if (count === 1) return `${startIndex + 1}`;
  return `${startIndex + 1},${count}`;
}

/** Lines with their `\n` kept; a last line without one stays without one. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
    lines.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Index ranges [start, end) of `ops` that form hunks: changes with their context, merged when
 *  the unchanged run between two changes is no longer than twice the context. */
function hunkRanges(ops: readonly Op[], context: number): [number, number][] {
  const ranges: [number, number][] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]?.type === 'equal') {
      i++;
      continue;
    }
    let changeEnd = i;
    while (changeEnd < ops.length && ops[changeEnd]?.type !== 'equal') changeEnd++;
    const start = Math.max(0, i - context);
    const last = ranges.at(-1);
    if (last !== undefined && start <= last[1]) {
      last[1] = Math.min(ops.length, changeEnd + context);
    } else {
      ranges.push([start, Math.min(ops.length, changeEnd + context)]);
    }
    i = changeEnd;
  }
  return ranges;
}

/** The edit script turning lines `a` into lines `b`. */
export function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;

  // Numbering distinct lines makes the inner loop compare integers, not strings.
  const ids = new Map<string, number>();
  const idOf = (line: string): number => {
    let id = ids.get(line);
    if (id === undefined) {
      id = ids.size;
      ids.set(line, id);
    }
    return id;
  };
  const middleA = a.slice(head, a.length - tail).map(idOf);
  const middleB = b.slice(head, b.length - tail).map(idOf);

  const ops: Op[] = [];
  for (let k = 0; k < head; k++) ops.push({ type: 'equal', oldIndex: k, newIndex: k });
  const middle = myers(middleA, middleB) ?? replaceAll(middleA.length, middleB.length);
  for (const op of middle) ops.push({ type: op.type, oldIndex: op.oldIndex + head, newIndex: op.newIndex + head });
  for (let k = 0; k < tail; k++) {
    ops.push({ type: 'equal', oldIndex: a.length - tail + k, newIndex: b.length - tail + k });
  }
  return ops;
}

function replaceAll(n: number, m: number): Op[] {
  const ops: Op[] = [];
  for (let x = 0; x < n; x++) ops.push({ type: 'delete', oldIndex: x, newIndex: 0 });
  for (let y = 0; y < m; y++) ops.push({ type: 'insert', oldIndex: n, newIndex: y });
  return ops;
}

/** Bounds the work (cells visited) so a huge, wholly different pair cannot stall an edit. */
const MAX_WORK = 50_000_000;

/** Myers' greedy shortest edit script, or null when it would take more than MAX_WORK. */
function myers(a: readonly number[], b: readonly number[]): Op[] | null {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  if (max === 0) return [];
  const maxD = Math.min(max, Math.max(64, Math.floor(MAX_WORK / max)));
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] holds v[-d-1 .. d+1] as it was before round d, enough to walk back from round d.
  const trace: Int32Array[] = [];
  for (let d = 0; d <= maxD; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
      let x = down ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m);
    }
  }
  return null;
}

function backtrack(trace: readonly Int32Array[], n: number, m: number): Op[] {
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const before = trace[d];
    if (before === undefined) break;
    const at = (k: number): number => before[k + d + 1] ?? 0;
    const k = x - y;
    if (d === 0) {
      while (x > 0 && y > 0) ops.push({ type: 'equal', oldIndex: --x, newIndex: --y });
      break;
    }
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ type: 'equal', oldIndex: --x, newIndex: --y });
    if (down) {
      ops.push({ type: 'insert', oldIndex: x, newIndex: prevY });
    } else {
      ops.push({ type: 'delete', oldIndex: prevX, newIndex: y });
    }
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}
