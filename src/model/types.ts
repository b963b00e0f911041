/**
 * The provider-neutral conversation and the one interface every model provider implements.
 * The agent loop sees only these types; no vendor SDK type crosses this boundary.
 */

export interface TextBlock {
  readonly type: 'text';
  readonly text: string;
}

export interface ToolUseBlock {
  readonly type: 'tool_use';
  /** Provider-assigned id; tool results refer to it. */
  readonly id: string;
  readonly name: string;
  /** Arguments as parsed JSON. When the model sent JSON that does not parse, `input` is
   * `{}` and `inputError` says why, so the loop can return a tool error instead of crashing. */
  readonly input: unknown;
  readonly inputError?: string;
}

export interface ToolResultBlock {
  readonly type: 'tool_result';
  readonly toolUseId: string;
  readonly content: string;
  readonly isError: boolean;
}

export type AssistantBlock = TextBlock | ToolUseBlock;
export type UserBlock = TextBlock | ToolResultBlock;

export type Message =
  | { readonly role: 'user'; readonly content: readonly UserBlock[] }
  | { readonly role: 'assistant'; readonly content: readonly AssistantBlock[] };

/** What the model is told about a tool: name, description and a JSON Schema of its input. */
export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
}

export interface ModelRequest {
  readonly system: string;
  readonly messages: readonly Message[];
  readonly tools: readonly ToolSpec[];
  readonly maxOutputTokens: number;
  /** Mark prompt-cache breakpoints (providers that cache only what is marked). Default true. */
  readonly promptCache?: boolean;
  /**
   * Indices of messages whose end should be a cache breakpoint besides the usual ones: the
   * boundaries compaction left intact (see src/context/auto-compact.ts).
   */
  readonly cacheAnchors?: readonly number[];
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'refusal' | 'pause' | 'other';

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheWriteTokens: number;
  readonly cacheReadTokens: number;
}

export const ZERO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
  };
}

/** One complete model turn, assembled from the stream. */
export interface ModelTurn {
  readonly content: readonly AssistantBlock[];
  readonly stopReason: StopReason;
  readonly usage: Usage;
  /** The model id the server says answered, when it says. */
  readonly model?: string;
}

/** Incremental output while a turn streams; for display only, never for the transcript. */
export type StreamDelta =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'tool_use_start'; readonly id: string; readonly name: string };

export type ProviderName = 'anthropic' | 'openai';

export interface ModelProvider {
  readonly name: ProviderName;
  readonly model: string;
  /** Where requests go, for messages and the audit trail (never contains a key). */
  readonly baseUrl: string;
  /**
   * Streams one turn. Resolves with the whole turn once the stream completed normally.
   * Rejects with a ModelError on any failure (HTTP status, cut stream, timeout, abort);
   * retrying is the caller's job (see retry.ts), so one call is exactly one HTTP request.
   */
  streamTurn(request: ModelRequest, signal: AbortSignal, onDelta: (delta: StreamDelta) => void): Promise<ModelTurn>;
}

export type ModelErrorKind =
  | 'rate_limited' // 429
  | 'overloaded' // 529 or an overloaded_error event
  | 'server' // 5xx
  | 'connection' // reset, refused, DNS
  | 'stream_cut' // the stream ended without its final event
  | 'timeout'
  | 'auth' // 401/403
  | 'bad_request' // 400/404/422: the request or the model name was rejected
  | 'aborted'
  | 'unknown';

/** A failed model request, with enough to decide on a retry and to tell the user what to do. */
export class ModelError extends Error {
  readonly provider: ProviderName;
  readonly kind: ModelErrorKind;
  readonly status: number | undefined;
  /** Server-requested delay before retrying, from retry-after, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(options: {
    provider: ProviderName;
    kind: ModelErrorKind;
    message: string;
    status?: number | undefined;
    retryAfterMs?: number | undefined;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = 'ModelError';
    this.provider = options.provider;
    this.kind = options.kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  get retryable(): boolean {
    return ['rate_limited', 'overloaded', 'server', 'connection', 'stream_cut', 'timeout'].includes(this.kind);
  }
}
