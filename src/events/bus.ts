/**
 * The event bus: synchronous, in-order delivery to every subscriber. Synchronous on purpose:
 * when emit() returns, the transcript subscriber has written the event, so "every event is on
 * disk before the next action starts" holds without any subscriber awaiting anything.
 *
 * The bus is also the last line of redaction: every string in every event passes the
 * session's redactor before any subscriber (transcript, screen, telemetry) sees it, so a
 * secret the model echoes in a command is masked there too.
 */
import type { EventInput, WardEvent } from './schema.ts';

export type Subscriber = (event: WardEvent) => void;

export interface EventBusOptions {
  readonly now?: () => number;
  readonly redact?: (text: string) => string;
}

export class EventBus {
  readonly #subscribers: Subscriber[] = [];
  readonly #now: () => number;
  readonly #redact: ((text: string) => string) | undefined;

  constructor(options: EventBusOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#redact = options.redact;
  }

  subscribe(subscriber: Subscriber): () => void {
    this.#subscribers.push(subscriber);
    return () => {
      const index = this.#subscribers.indexOf(subscriber);
      if (index >= 0) this.#subscribers.splice(index, 1);
    };
  }

  /** Delivers the event to every subscriber in order. A subscriber that throws (the
   * transcript when the disk fails) stops the emit: losing the record must not go unnoticed. */
  emit(input: EventInput): WardEvent {
    const stamped: WardEvent = { ...input, ts: this.#now() };
    const event = this.#redact === undefined ? stamped : (redactStrings(stamped, this.#redact) as WardEvent);
    for (const subscriber of this.#subscribers) subscriber(event);
    return event;
  }
}

function redactStrings(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, redact));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactStrings(item, redact);
    return out;
  }
  return value;
}
