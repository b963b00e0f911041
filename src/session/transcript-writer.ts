/**
 * Appends each event to the session's JSONL transcript as it happens. Writes are synchronous
 * (writeSync on an append-mode descriptor), so when the bus returns from emit() the line is
 * in the kernel: a `kill -9` at any moment leaves every completed event on disk. fsync runs at
 * close; between events we trade power-loss durability for a sub-millisecond write.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import type { WardEvent } from '../events/schema.ts';

/** Events that only serve live display; the transcript keeps the assembled message instead. */
const NOT_PERSISTED = new Set<WardEvent['type']>(['text_delta']);

export class TranscriptWriter {
  readonly path: string;
  #fd: number | null;

  constructor(path: string) {
    this.path = path;
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode applies only to folders it creates; the session folder must be private
    // even when an earlier, laxer ward or the user created it.
    chmodSync(dir, 0o700);
    this.#fd = openSync(path, 'a', 0o600);
    chmodSync(path, 0o600);
  }

  /** The bus subscriber. Throws if the disk write fails: losing the transcript is fatal. */
  readonly write = (event: WardEvent): void => {
    if (this.#fd === null || NOT_PERSISTED.has(event.type)) return;
    const line = `${JSON.stringify(event)}\n`;
    writeSync(this.#fd, line);
  };

  close(): void {
    if (this.#fd === null) return;
    try {
      fsyncSync(this.#fd);
    } finally {
      closeSync(this.#fd);
      this.#fd = null;
    }
  }
}
