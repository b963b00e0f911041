/**
 * Streams one turn, retrying transient failures with bounded exponential backoff.
 *
 * Policy (the numbers a user may ask about):
 * - At most 5 attempts in total by default (the first try and 4 retries).
 * - Retried: 429, 5xx, 529 and overloaded events, connection failures, cut streams and
 *   timeouts (ModelError.retryable). Never retried: auth, bad request, abort.
 * - The wait before retry n is "full jitter": a random time between 0 and
 *   min(maxDelayMs, baseDelayMs * 2^(n-1)), 1 s base and 30 s cap by default.
 * - When the server sends retry-after (or retry-after-ms), that wait is used instead,
 *   capped at 60 s so a long or bogus value cannot stall a session; if the server still
 *   refuses after the cap, the next failure counts like any other.
 * - A stream cut mid-turn is retried as a whole turn. `onRetry` fires before each wait,
 *   which is the caller's cue to discard any partial output it displayed.
 * - The final error keeps the last failure's kind and status, and its message says what
 *   happened, where, after how many attempts, and what to do about it.
 */
import { providerLabel } from './provider-errors.ts';
import { ModelError, type ModelProvider, type ModelRequest, type ModelTurn, type StreamDelta } from './types.ts';

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_BASE_DELAY_MS = 1_000;
export const DEFAULT_MAX_DELAY_MS = 30_000;
/** Longest retry-after we honour; see the policy above. */
export const RETRY_AFTER_CAP_MS = 60_000;

export interface RetryInfo {
  /** The attempt about to start: 2 for the first retry. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly delayMs: number;
  /** What failed, for the user: the failed attempt's error message. */
  readonly reason: string;
  readonly status?: number;
}

export interface StreamWithRetryOptions {
  readonly signal: AbortSignal;
  readonly onDelta: (delta: StreamDelta) => void;
  readonly onRetry?: (info: RetryInfo) => void;
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Injectable so tests do not wait; must reject when the signal aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Injectable for deterministic jitter in tests; returns a number in [0, 1). */
  readonly random?: () => number;
}

export async function streamWithRetry(
  provider: ModelProvider,
  request: ModelRequest,
  options: StreamWithRetryOptions,
): Promise<ModelTurn> {
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS));
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const { signal } = options;

  for (let attempt = 1; ; attempt++) {
    let error: ModelError;
    try {
      return await provider.streamTurn(request, signal, options.onDelta);
    } catch (caught) {
      error = asModelError(caught, provider);
    }
    if (error.kind === 'aborted' || signal.aborted) throw aborted(provider, error);
    if (!error.retryable || attempt >= maxAttempts) throw finalError(provider, error, attempt);

    const delayMs =
      error.retryAfterMs !== undefined
        ? Math.min(error.retryAfterMs, RETRY_AFTER_CAP_MS)
        : Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
    options.onRetry?.({
      attempt: attempt + 1,
      maxAttempts,
      delayMs,
      reason: error.message,
      ...(error.status !== undefined ? { status: error.status } : {}),
    });
    try {
      await sleep(delayMs, signal);
    } catch (sleepError) {
      throw aborted(provider, sleepError);
    }
    if (signal.aborted) throw aborted(provider, error);
  }
}

function asModelError(error: unknown, provider: ModelProvider): ModelError {
  if (error instanceof ModelError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError({ provider: provider.name, kind: 'unknown', message, cause: error });
}

function aborted(provider: ModelProvider, cause: unknown): ModelError {
  return new ModelError({
    provider: provider.name,
    kind: 'aborted',
    message: `${providerLabel(provider.name)} request cancelled`,
    cause,
  });
}

function finalError(provider: ModelProvider, error: ModelError, attempts: number): ModelError {
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  return new ModelError({
    provider: error.provider,
    kind: error.kind,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    message: `${error.message} (gave up after ${tries}). ${adviceFor(provider, error)}`,
    cause: error,
  });
}

/** What the user can do about each kind of failure. */
export function adviceFor(provider: ModelProvider, error: ModelError): string {
  const keyVariable = provider.name === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY';
  switch (error.kind) {
    case 'auth':
      if (error.status === 402) return `Check the billing or credit of the account behind ${keyVariable}.`;
      return `Check ${keyVariable}: the server at ${provider.baseUrl} did not accept the key (or it is not set).`;
    case 'bad_request':
      if (error.status === 404) {
        return `The server rejected model "${provider.model}": pass --model with a model it serves.`;
      }
      return `The server rejected the request for model "${provider.model}": if it names the model, pass --model with a model it serves; otherwise please report this as a ward bug.`;
    case 'rate_limited':
      return 'You are being rate limited: wait a minute and try again, or check your plan’s rate limits.';
    case 'overloaded':
    case 'server':
      return 'The provider is having trouble: try again later.';
    case 'connection':
      return `Check your network and that ${provider.baseUrl} is the right address (is the local server running?).`;
    case 'timeout':
      return `The server at ${provider.baseUrl} did not answer in time: try again later, or raise the request timeout.`;
    case 'stream_cut':
      return 'The response stream kept breaking off: try again later.';
    case 'aborted':
      return '';
    case 'unknown':
      return 'Try again; if it keeps happening, please report it with this message.';
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error('aborted'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
