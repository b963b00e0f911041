/**
 * Redaction for text that arrives in pieces (the model's streamed answer). A secret split
 * across two pieces would pass a piece-by-piece redactor, so the tail of the stream is held
 * back until it cannot be the start of a secret: the last few words (secrets never contain
 * whitespace, and patterns like `Bearer TOKEN` or `key = VALUE` span at most three words),
 * and an open `-----BEGIN` block until its `-----END`.
 */

const HELD_WORDS = 3;

export class StreamRedactor {
  readonly #redact: (text: string) => string;
  #pending = '';

  constructor(redact: (text: string) => string) {
    this.#redact = redact;
  }

  /** Adds a piece; returns the redacted text that is now safe to show ('' when none is). */
  push(piece: string): string {
    this.#pending += piece;
    const cut = this.#safeCut();
    if (cut <= 0) return '';
    const ready = this.#pending.slice(0, cut);
    this.#pending = this.#pending.slice(cut);
    return this.#redact(ready);
  }

  /** The rest, at the end of the stream. */
  flush(): string {
    const rest = this.#pending;
    this.#pending = '';
    return rest === '' ? '' : this.#redact(rest);
  }

  /** Drops what is held (a retried turn starts over). */
  reset(): void {
    this.#pending = '';
  }

  #safeCut(): number {
    const text = this.#pending;
    const begin = text.lastIndexOf('-----BEGIN');
    let limit = text.length;
    // Held until the END line is complete, dashes and all: a block cut anywhere earlier would
    // be masked only up to the cut.
    if (begin >= 0 && !/-----END [^\n-]*-----/.test(text.slice(begin))) limit = begin;
    let cut = limit;
    for (let words = 0; words < HELD_WORDS; words++) {
      const space = lastWhitespace(text, cut - 1);
      if (space < 0) return 0;
      cut = space;
    }
    return cut;
  }
}

function lastWhitespace(text: string, from: number): number {
  for (let index = from; index >= 0; index--) {
    const char = text[index];
    if (char === ' ' || char === '\n' || char === '\t' || char === '\r') return index;
  }
  return -1;
}
