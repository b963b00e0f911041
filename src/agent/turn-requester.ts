/**
 * One model turn as the loop sees it: the request built from the conversation, sent through
 * the provider with bounded retries, with every HTTP attempt, retry and text delta on the bus.
 */
import type { EventBus } from '../events/bus.ts';
import { streamWithRetry } from '../model/retry.ts';
import { StreamRedactor } from '../policy/stream-redactor.ts';
import type { Message, ModelProvider, ModelTurn, ToolSpec } from '../model/types.ts';
import { estimateRequestTokens } from '../context/token-estimate.ts';

export interface TurnRequesterOptions {
  readonly provider: ModelProvider;
  readonly bus: EventBus;
  readonly system: string;
  readonly tools: readonly ToolSpec[];
  readonly maxOutputTokens: number;
  readonly maxAttempts: number;
  readonly signal: AbortSignal;
  /** Applied to streamed text across piece boundaries, so a secret split in two is still masked. */
  readonly redact: (text: string) => string;
  readonly sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
  /** Mark prompt-cache breakpoints (settings: context.promptCache). Default true. */
  readonly promptCache?: boolean;
}

/** A request that is not an ordinary turn (a compaction summary): its own system prompt, no tools. */
export interface TurnOverrides {
  readonly system?: string;
  readonly tools?: readonly ToolSpec[];
  /** Message boundaries to keep cached (see ModelRequest.cacheAnchors). */
  readonly cacheAnchors?: readonly number[];
}

export type TurnRequester = (messages: readonly Message[], turn: number, overrides?: TurnOverrides) => Promise<ModelTurn>;

export function createTurnRequester(options: TurnRequesterOptions): TurnRequester {
  const { bus, provider } = options;
  return async (messages, turn, overrides) => {
    const system = overrides?.system ?? options.system;
    const tools = overrides?.tools ?? options.tools;
    const estimatedTokens = estimateRequestTokens(system, tools, messages);
    let attempt = 0;
    const redactor = new StreamRedactor(options.redact);
    const emitText = (text: string): void => {
      if (text !== '') bus.emit({ type: 'text_delta', turn, text });
    };
    // Wrapping the provider marks each real HTTP attempt at the moment it is sent, after any
    // backoff, so model_request events line up with what the server saw.
    const observed: ModelProvider = {
      name: provider.name,
      model: provider.model,
      baseUrl: provider.baseUrl,
      streamTurn: (request, signal, onDelta) => {
        attempt++;
        bus.emit({ type: 'model_request', turn, attempt, messageCount: request.messages.length, estimatedTokens });
        return provider.streamTurn(request, signal, onDelta);
      },
    };
    const result = await streamWithRetry(
      observed,
      { system, messages, tools, maxOutputTokens: options.maxOutputTokens, promptCache: options.promptCache ?? true, cacheAnchors: overrides?.cacheAnchors ?? [] },
      {
        signal: options.signal,
        maxAttempts: options.maxAttempts,
        onDelta: (delta) => {
          if (delta.kind === 'text') emitText(redactor.push(delta.text));
        },
        onRetry: (info) => {
          redactor.reset();
          bus.emit({ type: 'retry', ...info });
        },
        ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      },
    );
    emitText(redactor.flush());
    return result;
  };
}
