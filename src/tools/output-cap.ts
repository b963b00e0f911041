/**
 * Caps what one tool call hands back to the model. The start of an output usually says what
 * ran and the end says how it finished (the error, the summary line, the exit status), so the
 * cap keeps both ends and replaces the middle with a marker that says how much is missing.
 *
 * Two entry points: `capOutput` for a string already in memory, and `HeadTailBuffer` for a
 * process's output as it streams, which must stay bounded however much the process prints.
 */

export interface CappedText {
  readonly text: string;
  readonly truncated: boolean;
  /** Characters left out of `text` (0 when nothing was cut). */
  readonly omittedChars: number;
  /** Newlines in the part that was left out. */
  readonly omittedLines: number;
}

export interface CappedStream extends CappedText {
  /** Bytes received in this window, before decoding and capping. */
  readonly bytes: number;
}

/** Share of the budget given to the head; the tail gets the rest. */
const HEAD_SHARE = 0.4;
/** Room kept for the marker line so the capped text stays within maxChars. */
const MARKER_RESERVE = 80;

/**
 * The part of a call's cap left for a body when a few lines of status travel with it (the exit
 * code, notes), so that body plus status stays within the cap and is not cut a second time.
 */
export function bodyBudget(capChars: number): number {
  return Math.max(0, capChars - Math.min(1000, Math.floor(capChars / 10)));
}

interface Budgets {
  readonly head: number;
  readonly tail: number;
}

function budgetsFor(maxChars: number): Budgets {
  const usable = Math.max(0, Math.floor(maxChars) - MARKER_RESERVE);
  const head = Math.floor(usable * HEAD_SHARE);
  return { head, tail: usable - head };
}

export function countLines(text: string): number {
  let count = 0;
  let index = text.indexOf('\n');
  while (index !== -1) {
    count += 1;
    index = text.indexOf('\n', index + 1);
  }
  return count;
}

/**
 * The first at most `budget` characters, which a cut follows: ends after a newline when one is
 * in the second half, so the last kept line is whole.
 */
function headPart(text: string, budget: number): string {
  const head = text.slice(0, budget);
  if (head.endsWith('\n')) return head;
  const lastNewline = head.lastIndexOf('\n');
  // Cutting on a line boundary is only worth it when it keeps most of the budget.
  if (lastNewline !== -1 && lastNewline + 1 >= head.length / 2) return head.slice(0, lastNewline + 1);
  return head;
}

/**
 * The last at most `budget` characters, which a cut precedes: starts after a newline when one
 * is in the first half. `lineStart` says whether the full tail already starts a line.
 */
function tailPart(text: string, budget: number, lineStart: boolean): string {
  const start = Math.max(0, text.length - budget);
  const tail = text.slice(start);
  if (start === 0 ? lineStart : text[start - 1] === '\n') return tail;
  const firstNewline = tail.indexOf('\n');
  if (firstNewline !== -1 && firstNewline + 1 <= tail.length / 2) return tail.slice(firstNewline + 1);
  return tail;
}

function marker(omittedChars: number, omittedLines: number): string {
  const lines = omittedLines === 1 ? '1 line' : `${omittedLines} lines`;
  return `[... ${omittedChars} characters (${lines}) omitted ...]`;
}

function joinWithMarker(head: string, tail: string, omittedChars: number, omittedLines: number): string {
  const beforeMarker = head === '' || head.endsWith('\n') ? head : `${head}\n`;
  const afterMarker = tail === '' || tail.startsWith('\n') ? tail : `\n${tail}`;
  return `${beforeMarker}${marker(omittedChars, omittedLines)}${afterMarker}`;
}

/** Keeps the head and tail of `text` within about `maxChars`, marking what was left out. */
export function capOutput(text: string, maxChars: number): CappedText {
  if (text.length <= maxChars) return { text, truncated: false, omittedChars: 0, omittedLines: 0 };
  const budgets = budgetsFor(maxChars);
  const head = headPart(text, budgets.head);
  const tail = tailPart(text, budgets.tail, false);
  const omitted = text.slice(head.length, text.length - tail.length);
  const omittedLines = countLines(omitted);
  return {
    text: joinWithMarker(head, tail, omitted.length, omittedLines),
    truncated: true,
    omittedChars: omitted.length,
    omittedLines,
  };
}

/**
 * Collects streaming output while holding at most about `maxChars` characters of head plus
 * tail (and one incoming chunk) in memory, whatever the total. Bytes are decoded as UTF-8 as
 * they arrive, so a character split across chunks is not broken.
 *
 * `drain()` hands back what arrived since the previous drain and starts a new window, which is
 * how a background job reports "output since the last poll".
 */
export class HeadTailBuffer {
  readonly #maxChars: number;
  readonly #headLimit: number;
  readonly #tailLimit: number;
  readonly #decoder = new TextDecoder('utf-8');
  #head = '';
  // Appending builds a V8 rope (cheap); trimming flattens it once per `slack` characters.
  #tail = '';
  #droppedChars = 0;
  #droppedLines = 0;
  /** Whether the last dropped character was a newline, i.e. the tail starts a line. */
  #droppedEndsLine = false;
  #windowBytes = 0;
  #totalBytes = 0;
  #ended = false;

  constructor(maxChars: number) {
    this.#maxChars = Math.max(0, Math.floor(maxChars));
    // Head and tail together hold maxChars, so a window that fits is kept whole.
    this.#headLimit = budgetsFor(this.#maxChars).head;
    this.#tailLimit = this.#maxChars - this.#headLimit;
  }

  /** Bytes pushed since the buffer was made, across all windows. */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  /** Characters currently held in memory (head plus tail), whatever has been pushed. */
  get heldChars(): number {
    return this.#head.length + this.#tail.length;
  }

  push(chunk: Uint8Array | string): void {
    // Late chunks (a pipe drained after the process was given up on) are not part of the result.
    if (this.#ended) return;
    if (typeof chunk === 'string') {
      const bytes = Buffer.byteLength(chunk);
      this.#windowBytes += bytes;
      this.#totalBytes += bytes;
      this.#append(chunk);
      return;
    }
    this.#windowBytes += chunk.byteLength;
    this.#totalBytes += chunk.byteLength;
    this.#append(this.#decoder.decode(chunk, { stream: true }));
  }

  /** Flushes a partial character left at the end of the stream; later pushes are ignored. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#append(this.#decoder.decode());
  }

  /** The capped text of the current window, leaving the window as it is. */
  snapshot(): CappedStream {
    const tail = this.#tail;
    if (this.#droppedChars === 0) {
      return { ...capOutput(this.#head + tail, this.#maxChars), bytes: this.#windowBytes };
    }
    const budgets = budgetsFor(this.#maxChars);
    const head = headPart(this.#head, budgets.head);
    const keptTail = tailPart(tail, budgets.tail, this.#droppedEndsLine);
    const cutFromHead = this.#head.slice(head.length);
    const cutFromTail = tail.slice(0, tail.length - keptTail.length);
    const omittedChars = cutFromHead.length + this.#droppedChars + cutFromTail.length;
    const omittedLines = countLines(cutFromHead) + this.#droppedLines + countLines(cutFromTail);
    return {
      text: joinWithMarker(head, keptTail, omittedChars, omittedLines),
      truncated: true,
      omittedChars,
      omittedLines,
      bytes: this.#windowBytes,
    };
  }

  /** The capped text of the current window; the next window starts empty. */
  drain(): CappedStream {
    const result = this.snapshot();
    this.#head = '';
    this.#tail = '';
    this.#droppedChars = 0;
    this.#droppedLines = 0;
    this.#droppedEndsLine = false;
    this.#windowBytes = 0;
    return result;
  }

  #append(text: string): void {
    if (text === '') return;
    let rest = text;
    if (this.#droppedChars === 0 && this.#tail === '' && this.#head.length < this.#headLimit) {
      const room = this.#headLimit - this.#head.length;
      this.#head += rest.slice(0, room);
      rest = rest.slice(room);
      if (rest === '') return;
    }
    this.#tail += rest;
    // Trimming only after some slack keeps the work per character constant.
    const slack = Math.max(1024, this.#tailLimit / 2);
    if (this.#tail.length > this.#tailLimit + slack) this.#trimTail();
  }

  #trimTail(): void {
    const excess = this.#tail.length - this.#tailLimit;
    if (excess <= 0) return;
    const dropped = this.#tail.slice(0, excess);
    this.#droppedChars += dropped.length;
    this.#droppedLines += countLines(dropped);
    this.#droppedEndsLine = dropped.endsWith('\n');
    this.#tail = this.#tail.slice(excess);
  }
}
