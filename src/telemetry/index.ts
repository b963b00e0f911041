/**
 * OpenTelemetry for a session, as a subscriber to the event stream: the loop never calls it.
 *
 * Off by default (config.ts decides). When off, all ward does is `telemetryEnabled(config)`:
 * nothing of the SDK is imported. When on, `startTelemetry` returns a subscriber at once and
 * loads the SDK (its own bundle chunk) in the background while the session starts; events that
 * arrive before it is ready are kept and replayed, with their own timestamps, so the loading
 * never delays the first model request and nothing is lost.
 *
 * Telemetry never breaks a session: the subscriber does not throw (the bus stops an emit when a
 * subscriber throws), a failure turns telemetry off with a warning, and the final flush is
 * bounded so a collector that is down delays ward's exit by at most SHUTDOWN_BOUND_MS.
 */
import type { WardEvent } from '../events/schema.ts';
import { OTLP_SIGNALS } from './otlp-headers.ts';
import type { Env, TelemetryConfig } from './config.ts';
import type { TelemetrySession } from './sdk-session.ts';

export { resolveTelemetryConfig, telemetryEnabled, type TelemetryConfig } from './config.ts';

/** The longest ward waits at the end of a session for the last exports. */
export const SHUTDOWN_BOUND_MS = 2_500;

export interface TelemetryHandle {
  /** The bus subscriber. Never throws, never waits. */
  readonly record: (event: WardEvent) => void;
  /** Exports what is left and stops, within SHUTDOWN_BOUND_MS; resolves with what the user should be told. */
  shutdown(): Promise<string[]>;
}

export interface StartTelemetryOptions {
  readonly wardVersion: string;
  readonly env: Env;
  /** Tells the user during the session (a warning event). Called outside any event delivery. */
  readonly warn: (message: string) => void;
}

export function startTelemetry(config: TelemetryConfig, options: StartTelemetryOptions): TelemetryHandle {
  let session: TelemetrySession | null = null;
  /** Set by a failure: nothing more is recorded, but what was recorded is still flushed. */
  let broken = false;
  /** Once the session has ended, problems are kept for shutdown's answer instead of told. */
  let ended = false;
  const buffered: WardEvent[] = [];
  const untold: string[] = [];
  let exportFailureTold = false;

  const tell = (message: string): void => {
    if (ended) {
      untold.push(message);
      return;
    }
    // Deferred: a warning emitted from inside a subscriber would reach the others mid-delivery.
    setImmediate(() => {
      if (ended) untold.push(message);
      else options.warn(message);
    });
  };
  const fail = (what: string, error: unknown): void => {
    if (broken) return;
    broken = true;
    buffered.length = 0;
    tell(`telemetry is off for the rest of this session: ${what}: ${error instanceof Error ? error.message : String(error)}`);
  };
  const deliver = (event: WardEvent): void => {
    if (broken) return;
    try {
      session?.record(event);
    } catch (error) {
      fail('recording an event failed', error);
    }
  };

  // Never rejects: a failure to load or start the SDK turns telemetry off, with a warning.
  const loading = import('./sdk-session.ts')
    .then(({ openTelemetrySession }) => {
      session = openTelemetrySession(config, {
        wardVersion: options.wardVersion,
        env: options.env,
        onExportFailure: (signal, url, reason) => {
          if (exportFailureTold) return;
          exportFailureTold = true;
          const consequence = ended ? 'what was left is lost' : 'the session goes on, but its telemetry may be incomplete';
          tell(`telemetry: exporting ${signal} to ${displayUrl(url)} failed (${reason}); ${consequence}`);
        },
      });
      for (const event of buffered.splice(0)) deliver(event);
    })
    .catch((error: unknown) => fail('the OpenTelemetry SDK could not be started', error));

  return {
    record(event) {
      if (broken) return;
      if (session === null) buffered.push(event);
      else deliver(event);
      if (event.type === 'session_ended') ended = true;
    },
    async shutdown() {
      ended = true;
      const finished = await within(
        SHUTDOWN_BOUND_MS,
        loading.then(() => session?.shutdown()),
      );
      if (finished === 'timeout') {
        untold.push(`telemetry: the last exports to ${destinations(config)} did not finish within ${SHUTDOWN_BOUND_MS / 1000} s; ward did not wait longer, and what was left is lost`);
      } else if (finished instanceof Error && !exportFailureTold) {
        untold.push(`telemetry: the last exports to ${destinations(config)} failed (${finished.message}); what was left is lost`);
      }
      return untold.splice(0);
    },
  };
}

/** Resolves with 'done', the error, or 'timeout'; the timer keeps the process alive until then, no longer. */
async function within(ms: number, work: Promise<unknown>): Promise<'done' | 'timeout' | Error> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([work.then(() => 'done' as const, (error: unknown) => (error instanceof Error ? error : new Error(String(error)))), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Where exports go, without credentials a URL may carry. */
function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'the configured endpoint';
  }
}

/** The collectors in use, by origin (the three signals usually share one). */
function destinations(config: TelemetryConfig): string {
  const origins = OTLP_SIGNALS.flatMap((signal) => {
    const target = config.signals[signal];
    if (target === null) return [];
    try {
      return [new URL(target.url).origin];
    } catch {
      return ['the configured endpoint'];
    }
  });
  return [...new Set(origins)].join(', ');
}
