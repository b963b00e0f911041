/**
 * An audit log's bytes as whole lines and a tail. Shared by the writer (which continues the
 * chain on resume) and the verifier, so both agree on what a crash can leave behind.
 *
 * Works on bytes, like the transcript reader: a line torn inside a multi-byte character must
 * be cut exactly where the last complete line ends.
 */

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x7b, 0x5b]); // { [
const CLOSE = new Set([0x7d, 0x5d]); // } ]

export interface SplitLog {
  /** Every line that ends with a newline, without it. */
  readonly lines: Buffer[];
  /** The bytes after the last newline: empty, or the line being written when ward stopped. */
  readonly tail: Buffer;
}

export function splitLog(raw: Buffer): SplitLog {
  const lines: Buffer[] = [];
  let start = 0;
  for (let index = raw.indexOf(NEWLINE); index !== -1; index = raw.indexOf(NEWLINE, start)) {
    lines.push(raw.subarray(start, index));
    start = index + 1;
  }
  return { lines, tail: raw.subarray(start) };
}

/**
 * What the bytes after the last newline are.
 *   complete  one whole JSON object whose newline was not written: a line, read as such
 *   torn      the beginning of a line: what a crash in the middle of a write leaves
 *   foreign   anything a crash cannot produce (a whole object followed by more bytes, or bytes
 *             that do not start a line): a change, not a crash
 */
export type TailKind = 'none' | 'complete' | 'torn' | 'foreign';

export function classifyTail(tail: Buffer): TailKind {
  if (tail.length === 0) return 'none';
  if (tail[0] !== 0x7b) return 'foreign';
  const end = endOfFirstValue(tail);
  if (end === -1) return 'torn';
  return end === tail.length ? 'complete' : 'foreign';
}

/** The offset just past the JSON object that starts the buffer, or -1 when it does not end. */
function endOfFirstValue(bytes: Buffer): number {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index] ?? 0;
    if (inString) {
      if (escaped) escaped = false;
      else if (byte === BACKSLASH) escaped = true;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (OPEN.has(byte)) {
      depth++;
    } else if (CLOSE.has(byte)) {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  return -1;
}
