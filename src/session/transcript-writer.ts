/**
 * Appends each event to the session's JSONL transcript as it happens. Writes are synchronous
 * (writeSync on an append-mode descriptor), so when the bus returns from emit() the line is
 * in the kernel: a `kill -9` at any moment leaves every completed event on disk. fsync runs at
 * close; between events we trade power-loss durability for a sub-millisecond write.
 */
import { writeSync } from 'node:fs';
import type { WardEvent } from '../events/schema.ts';
import { closeSynced, openPrivateAppend } from './private-file.ts';

/** Events that only serve live display; the transcript keeps the assembled message instead. */
const NOT_PERSISTED = new Set<WardEvent['type']>(['text_delta']);

export class TranscriptWriter {
  readonly path: string;
  #fd: number | null;

  constructor(path: string) {
    this.path = path;
    this.#fd = openPrivateAppend(path);
  }

  /** The bus subscriber. Throws if the disk write fails: losing the transcript is fatal. */
  readonly write = (event: WardEvent): void => {
    if (this.#fd === null || NOT_PERSISTED.has(event.type)) return;
    const line = `${JSON.stringify(event)}\n`;
    writeSync(this.#fd, line);
  };

  close(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    closeSynced(fd);
  }
}
