/**
 * What the model has already read, so a re-read of an unchanged file costs a line instead of
 * the whole file again (every token of a tool result is re-sent on every later turn).
 *
 * The ledger remembers a digest of each read's exact output, keyed by file and line window.
 * A re-read whose output would be identical gets a short answer; anything that changed the
 * output (an edit, a command, another window) gets the full text. The digest is of what the
 * model would see, not of file metadata, so no timestamp granularity can make it lie.
 *
 * The short answer is only true while the earlier output is still in the conversation, so
 * whoever removes outputs from it (compaction) must call `forgetAll`. A resumed session starts
 * with an empty ledger.
 */
import { createHash } from 'node:crypto';

export interface ReadLedger {
  /** Records the output of a read and says whether it is the same as the last read of that window. */
  seenBefore(path: string, offset: number, limit: number, output: string): boolean;
  /** Forget every read: the conversation no longer holds their outputs. */
  forgetAll(): void;
}

export function createReadLedger(): ReadLedger {
  const digests = new Map<string, string>();
  return {
    seenBefore(path, offset, limit, output) {
      const key = `${path}\0${offset}\0${limit}`;
      const digest = createHash('sha256').update(output).digest('hex');
      const same = digests.get(key) === digest;
      digests.set(key, digest);
      return same;
    },
    forgetAll() {
      digests.clear();
    },
  };
}
