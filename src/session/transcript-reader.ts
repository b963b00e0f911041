/**
 * Reads a transcript back for resume. Every line is validated against the event schema.
 * A torn last line (a crash mid-write) is tolerated: it is moved aside to a `.torn-*` file,
 * never silently dropped, and reported. Any other bad line stops the resume with the file and
 * line named, because guessing at a damaged history could re-run work.
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

export function loadTranscript(path: string): LoadedTranscript {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (error) {
    throw new TranscriptError(`cannot read transcript ${path}: ${(error as Error).message}`);
  }
  const text = raw.toString('utf8');
  const warnings: string[] = [];
  const endsCleanly = text.length === 0 || text.endsWith('\n');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();

  const events: WardEvent[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const isLast = index === lines.length - 1;
    const parsed = parseLine(line);
    if (parsed.ok) {
      events.push(parsed.event);
      continue;
    }
    if (isLast && !endsCleanly) {
      const kept = moveTornTail(path, raw, line);
      warnings.push(
        `transcript ${path}: the last line was incomplete (ward stopped while writing it); ` +
          `it was moved to ${kept} and the session resumes from the line before`,
      );
      break;
    }
    throw new TranscriptError(
      `transcript ${path} is damaged at line ${index + 1}: ${parsed.error}. ` +
        'ward will not guess at a damaged history. Remove or repair that line, or start a new session without --resume/--continue.',
    );
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

/** Keep the torn bytes for inspection, then cut them off so new events start on a clean line. */
function moveTornTail(path: string, raw: Buffer, tornLine: string): string {
  const keptPath = `${path}.torn-${Date.now()}`;
  writeFileSync(keptPath, tornLine, { mode: 0o600 });
  truncateSync(path, raw.length - Buffer.byteLength(tornLine, 'utf8'));
  return keptPath;
}
