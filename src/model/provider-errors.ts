/**
 * Turns whatever a vendor SDK threw into a ModelError with the right kind, status and
 * retry-after, so retry.ts can decide without knowing any SDK.
 *
 * Both official SDKs (Anthropic 1.x, OpenAI 7.x) share one error shape: an APIError with
 * `status`, `headers` and the parsed error body, plus subclasses for aborts, connection
 * failures and connection timeouts. The provider passes its SDK's classes in, so this file
 * imports neither SDK.
 */
import { z } from 'zod';
import { ModelError, type ModelErrorKind, type ProviderName } from './types.ts';

type ErrorClass = abstract new (...args: never[]) => Error;

export interface SdkErrorClasses {
  readonly apiError: ErrorClass;
  readonly userAbort: ErrorClass;
  readonly connection: ErrorClass;
  readonly connectionTimeout: ErrorClass;
}

export interface ErrorContext {
  readonly provider: ProviderName;
  readonly model: string;
  readonly baseUrl: string;
  readonly sdk: SdkErrorClasses;
  /** The caller's signal: an abort it asked for is `aborted`, never a failure. */
  readonly signal: AbortSignal;
  /** Set when our own idle watchdog cut the request, so the SDK's abort is a timeout. */
  readonly timedOutAfterMs: number | undefined;
}

/** A stream event that claims a known type but does not have its shape. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
}

const PROVIDER_LABEL: Record<ProviderName, string> = { anthropic: 'Anthropic API', openai: 'OpenAI-compatible API' };

export function providerLabel(provider: ProviderName): string {
  return PROVIDER_LABEL[provider];
}

export function toModelError(error: unknown, context: ErrorContext): ModelError {
  if (error instanceof ModelError) return error;
  const label = `${PROVIDER_LABEL[context.provider]} (${context.baseUrl})`;
  const base = { provider: context.provider, cause: error };

  if (context.signal.aborted) {
    return new ModelError({ ...base, kind: 'aborted', message: `${label}: request cancelled` });
  }
  if (context.timedOutAfterMs !== undefined) {
    return new ModelError({
      ...base,
      kind: 'timeout',
      message: `${label}: no response for ${context.timedOutAfterMs} ms (request timeout)`,
    });
  }
  if (error instanceof MalformedEventError) {
    return new ModelError({ ...base, kind: 'unknown', message: `${label} sent a ${error.message}` });
  }
  const { sdk } = context;
  if (error instanceof sdk.connectionTimeout) {
    return new ModelError({ ...base, kind: 'timeout', message: `${label}: request timed out` });
  }
  if (error instanceof sdk.userAbort) {
    // Nobody asked for this abort (checked above): the SDK's own timer fired.
    return new ModelError({ ...base, kind: 'timeout', message: `${label}: request timed out` });
  }
  if (error instanceof sdk.connection) {
    return new ModelError({ ...base, kind: 'connection', message: `${label}: connection failed: ${causeText(error)}` });
  }
  if (error instanceof sdk.apiError) {
    return fromApiError(error, context, label);
  }
  if (isNetworkError(error)) {
    return new ModelError({ ...base, kind: 'connection', message: `${label}: connection lost mid-stream: ${causeText(error)}` });
  }
  if (error instanceof SyntaxError) {
    // A partial server-sent event left behind by a connection that ended mid-event.
    return new ModelError({ ...base, kind: 'stream_cut', message: `${label}: stream ended mid-event: ${error.message}` });
  }
  return new ModelError({ ...base, kind: 'unknown', message: `${label}: unexpected error: ${causeText(error)}` });
}

const apiErrorShape = z.object({
  status: z.number().int().optional(),
  headers: z.instanceof(Headers).optional(),
  error: z.unknown(),
  message: z.string(),
});

const bodyShapes = z.union([
  // Anthropic: the whole body, { type: 'error', error: { type, message } }
  z.object({ error: z.object({ type: z.string().optional(), message: z.string() }) }),
  // OpenAI: body.error, { message, type, code }
  z.object({ message: z.string(), type: z.string().nullish(), code: z.union([z.string(), z.number()]).nullish() }),
]);

function fromApiError(error: Error, context: ErrorContext, label: string): ModelError {
  const parsed = apiErrorShape.safeParse(error);
  const status = parsed.success ? parsed.data.status : undefined;
  const headers = parsed.success ? parsed.data.headers : undefined;
  const body = bodyShapes.safeParse(parsed.success ? parsed.data.error : undefined);
  let serverMessage = error.message;
  let errorType: string | undefined;
  if (body.success) {
    if ('error' in body.data) {
      serverMessage = body.data.error.message;
      errorType = body.data.error.type;
    } else {
      serverMessage = body.data.message;
      errorType = body.data.type ?? undefined;
    }
  }
  const kind = status !== undefined ? kindFromStatus(status) : kindFromErrorType(errorType);
  const where = status !== undefined ? `HTTP ${status}` : `error event${errorType !== undefined ? ` ${errorType}` : ''}`;
  const modelNote = kind === 'bad_request' ? ` for model "${context.model}"` : '';
  return new ModelError({
    provider: context.provider,
    kind,
    status,
    retryAfterMs: headers !== undefined ? parseRetryAfter(headers) : undefined,
    message: `${label} returned ${where}${modelNote}: ${serverMessage}`,
    cause: error,
  });
}

export function kindFromStatus(status: number): ModelErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 529) return 'overloaded';
  if (status === 408) return 'timeout';
  // 409 is how Anthropic reports a lock timeout; both SDKs retry it by default.
  if (status === 409) return 'server';
  if (status >= 500) return 'server';
  if (status === 401 || status === 402 || status === 403) return 'auth';
  if (status >= 400) return 'bad_request';
  return 'unknown';
}

/** For errors that arrive as an event inside a 200 stream, where there is no status. */
function kindFromErrorType(type: string | undefined): ModelErrorKind {
  switch (type) {
    case 'overloaded_error':
      return 'overloaded';
    case 'rate_limit_error':
      return 'rate_limited';
    case 'authentication_error':
    case 'permission_error':
      return 'auth';
    case 'invalid_request_error':
    case 'not_found_error':
      return 'bad_request';
    case 'timeout_error':
      return 'timeout';
    default:
      // api_error, server_error, or nothing: a failure inside a started stream is the
      // server's, and worth another attempt.
      return 'server';
  }
}

/**
 * Milliseconds the server asked us to wait: `retry-after-ms` first (Anthropic and OpenAI
 * both send it), then `retry-after` as seconds or as an HTTP date.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const header = headers.get('retry-after');
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number.parseFloat(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

const codeShape = z.object({ code: z.string() });

/** undici reports a socket that died mid-body as `TypeError: terminated` with a coded cause. */
function isNetworkError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const coded = codeShape.safeParse(current);
    if (coded.success && NETWORK_CODES.has(coded.data.code)) return true;
    if (current.message === 'terminated' || current.message === 'fetch failed') return true;
    current = current.cause;
  }
  return false;
}

function causeText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const coded = codeShape.safeParse(current);
    const message = current.message.replace(/\.$/, '');
    parts.push(coded.success ? `${message} (${coded.data.code})` : message);
    current = current.cause;
  }
  return [...new Set(parts)].join(': ');
}
