/** `--output-format json` and `stream-json` renderers: bus subscribers writing to stdout. */
import type { WardEvent } from '../../events/schema.ts';
import { summarize } from './result-summary.ts';

export type Write = (text: string) => void;

export function jsonRenderer(write: Write): (event: WardEvent) => void {
  let sessionId = '';
  return (event) => {
    if (event.type === 'session_started') sessionId = event.sessionId;
    if (event.type === 'session_ended') write(`${JSON.stringify(summarize(sessionId, event))}\n`);
  };
}

/** One JSON object per line: every event as emitted, then the result summary. */
export function streamJsonRenderer(write: Write): (event: WardEvent) => void {
  let sessionId = '';
  return (event) => {
    if (event.type === 'session_started') sessionId = event.sessionId;
    write(`${JSON.stringify(event)}\n`);
    if (event.type === 'session_ended') write(`${JSON.stringify(summarize(sessionId, event))}\n`);
  };
}
