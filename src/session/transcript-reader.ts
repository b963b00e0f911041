/**
 * Reads a transcript back for resume. Every line is validated against the event schema.
 * A torn last line (a crash mid-write) is tolerated: its bytes are moved aside to a
 * `.torn-*` file, never silently dropped, and reported. Any other bad line stops the resume
 * with the file and line named, because guessing at a damaged history could re-run work.
 *
 * Works on bytes, not decoded text: a line torn inside a multi-byte character must be cut
 * exactly where the last complete line ends.
 */
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { eventSchema, type WardEvent } from '../events/schema.ts';

export class TranscriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TranscriptError';
  }
}

export interface LoadedTranscript {
  readonly events: WardEvent[];
  readonly warnings: string[];
}

const NEWLINE = 0x0a;

export function loadTranscript(path: string): LoadedTranscript {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (error) {
    throw new TranscriptError(`cannot read transcript ${path}: ${(error as Error).message}`);
  }
  const warnings: string[] = [];
  // Everything up to and including the last newline is whole lines; anything after it was
  // being written when ward stopped.
  const wholeEnd = raw.lastIndexOf(NEWLINE) + 1;
  const whole = raw.subarray(0, wholeEnd).toString('utf8');
  const lines = whole === '' ? [] : whole.slice(0, -1).split('\n');

  const events: WardEvent[] = [];
  for (let index = 0; index < lines.length; index++) {
    const parsed = parseLine(lines[index] ?? '');
    if (!parsed.ok) {
      throw new TranscriptError(
        `transcript ${path} is damaged at line ${index + 1}: ${parsed.error}. ` +
          'ward will not guess at a damaged history. Remove or repair that line, or start a new session without --resume/--continue.',
      );
    }
    events.push(parsed.event);
  }

  if (wholeEnd < raw.length) {
    const tail = raw.subarray(wholeEnd);
    const complete = parseLine(tail.toString('utf8'));
    if (complete.ok) {
      // A whole event whose newline was not written yet: keep it, and end the line so the
      // next event starts on its own.
      events.push(complete.event);
      writeFileSync(path, '\n', { flag: 'a' });
    } else {
      const kept = `${path}.torn-${Date.now()}`;
      writeFileSync(kept, tail, { mode: 0o600 });
      truncateSync(path, wholeEnd);
      warnings.push(
        `transcript ${path}: the last line was incomplete (ward stopped while writing it); ` +
          `its ${tail.length} bytes were moved to ${kept} and the session resumes from the line before`,
      );
    }
  }
  return { events, warnings };
}

function parseLine(line: string): { ok: true; event: WardEvent } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  const result = eventSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, error: `not a ward event (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})` };
  }
  return { ok: true, event: result.data };
}
