/**
 * A request-scoped abort signal that fires when the caller aborts or when the server has
 * been silent for `idleMs`.
 *
 * The SDKs' own `timeout` only covers the wait for response headers; a stream that starts
 * and then stalls would hang the turn forever. Every received event calls `touch()`, so the
 * limit is "time to first byte, and the longest gap between events", never the length of a
 * healthy turn.
 */
export interface IdleWatchdog {
  readonly signal: AbortSignal;
  /** Milliseconds of silence that fired the watchdog, or undefined while it has not. */
  readonly timedOutAfterMs: number | undefined;
  touch(): void;
  dispose(): void;
}

export function startIdleWatchdog(callerSignal: AbortSignal, idleMs: number): IdleWatchdog {
  const controller = new AbortController();
  let timedOutAfterMs: number | undefined;
  let timer: NodeJS.Timeout | undefined;

  const onCallerAbort = (): void => {
    controller.abort(callerSignal.reason);
  };
  const arm = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timedOutAfterMs = idleMs;
      controller.abort(new Error(`no data from the server for ${idleMs} ms`));
    }, idleMs);
  };

  if (callerSignal.aborted) controller.abort(callerSignal.reason);
  else {
    callerSignal.addEventListener('abort', onCallerAbort, { once: true });
    arm();
  }

  return {
    signal: controller.signal,
    get timedOutAfterMs() {
      return timedOutAfterMs;
    },
    touch() {
      if (!controller.signal.aborted) arm();
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      callerSignal.removeEventListener('abort', onCallerAbort);
    },
  };
}
