/**
 * The Anthropic Messages provider, through the official SDK.
 *
 * One streamTurn call is exactly one HTTP request: the SDK is built with maxRetries 0
 * because retrying is retry.ts's job, where it is bounded, observable and cancellable.
 */
import Anthropic from '@anthropic-ai/sdk';
import { buildAnthropicParams } from './anthropic-request.ts';
import { AnthropicTurnAssembler } from './anthropic-stream.ts';
import { startIdleWatchdog } from './idle-watchdog.ts';
import { providerLabel, toModelError, type SdkErrorClasses } from './provider-errors.ts';
import { ModelError, type ModelProvider, type ModelRequest, type ModelTurn, type StreamDelta } from './types.ts';

export interface AnthropicProviderOptions {
  readonly apiKey: string | undefined;
  /** Wins over ANTHROPIC_BASE_URL, which the SDK reads when this is undefined. */
  readonly baseUrl?: string | undefined;
  readonly model: string;
  /** Longest wait for the first byte and longest silence between stream events. */
  readonly requestTimeoutMs: number;
}

/**
 * Sent when no key is configured (a proxy or gateway behind ANTHROPIC_BASE_URL may need
 * none). Passing it also keeps the SDK from searching the environment and the user's
 * config files for credentials: ward resolves credentials in one place, provider-config.ts.
 */
const PLACEHOLDER_KEY = 'ward-no-key';

const SDK_ERRORS: SdkErrorClasses = {
  apiError: Anthropic.APIError,
  userAbort: Anthropic.APIUserAbortError,
  connection: Anthropic.APIConnectionError,
  connectionTimeout: Anthropic.APIConnectionTimeoutError,
};

export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  const client = new Anthropic({
    apiKey: options.apiKey ?? PLACEHOLDER_KEY,
    // undefined (not null) lets the SDK fall back to ANTHROPIC_BASE_URL.
    baseURL: options.baseUrl ?? undefined,
    maxRetries: 0,
    timeout: options.requestTimeoutMs,
  });
  const baseUrl = client.baseURL;
  const model = options.model;

  async function streamTurn(
    request: ModelRequest,
    signal: AbortSignal,
    onDelta: (delta: StreamDelta) => void,
  ): Promise<ModelTurn> {
    const watchdog = startIdleWatchdog(signal, options.requestTimeoutMs);
    const context = { provider: 'anthropic' as const, model, baseUrl, sdk: SDK_ERRORS, signal };
    const assembler = new AnthropicTurnAssembler(onDelta);
    try {
      const stream = await client.messages.create(buildAnthropicParams(model, request), { signal: watchdog.signal });
      for await (const event of stream) {
        watchdog.touch();
        assembler.handle(event);
      }
    } catch (error) {
      throw toModelError(error, { ...context, timedOutAfterMs: watchdog.timedOutAfterMs });
    } finally {
      watchdog.dispose();
    }
    // The SDK ends the iteration quietly when its signal aborts, so an abort or a stall
    // shows up here as a short stream: name it for what it was.
    if (signal.aborted || watchdog.timedOutAfterMs !== undefined) {
      throw toModelError(new Error('stream aborted'), { ...context, timedOutAfterMs: watchdog.timedOutAfterMs });
    }
    if (!assembler.complete) {
      throw new ModelError({
        provider: 'anthropic',
        kind: 'stream_cut',
        message: `${providerLabel('anthropic')} (${baseUrl}): the response stream ended before message_stop`,
      });
    }
    return assembler.turn();
  }

  return { name: 'anthropic', model, baseUrl, streamTurn };
}
