/**
 * The OpenAI Chat Completions provider, through the official SDK. It serves OpenAI itself
 * and the OpenAI-compatible local servers (Ollama, LM Studio, vLLM, llama.cpp server).
 *
 * One streamTurn call is exactly one HTTP request: the SDK is built with maxRetries 0
 * because retrying is retry.ts's job.
 */
import OpenAI from 'openai';
import { startIdleWatchdog } from './idle-watchdog.ts';
import { buildOpenAIParams } from './openai-request.ts';
import { OpenAITurnAssembler } from './openai-stream.ts';
import { providerLabel, toModelError, type SdkErrorClasses } from './provider-errors.ts';
import { ModelError, type ModelProvider, type ModelRequest, type ModelTurn, type StreamDelta } from './types.ts';

export interface OpenAIProviderOptions {
  readonly apiKey: string | undefined;
  /** Wins over OPENAI_BASE_URL, which the SDK reads when this is undefined. */
  readonly baseUrl?: string | undefined;
  readonly model: string;
  /** Longest wait for the first byte and longest silence between stream events. */
  readonly requestTimeoutMs: number;
}

/**
 * Local servers need no key, but the SDK refuses to start without one (and would otherwise
 * read OPENAI_API_KEY itself, where ward resolves credentials in provider-config.ts only).
 */
const PLACEHOLDER_KEY = 'ward-no-key';

const SDK_ERRORS: SdkErrorClasses = {
  apiError: OpenAI.APIError,
  userAbort: OpenAI.APIUserAbortError,
  connection: OpenAI.APIConnectionError,
  connectionTimeout: OpenAI.APIConnectionTimeoutError,
};

export function createOpenAIProvider(options: OpenAIProviderOptions): ModelProvider {
  const client = new OpenAI({
    apiKey: options.apiKey ?? PLACEHOLDER_KEY,
    // undefined (not null) lets the SDK fall back to OPENAI_BASE_URL.
    baseURL: options.baseUrl ?? undefined,
    maxRetries: 0,
    timeout: options.requestTimeoutMs,
  });
  const baseUrl = client.baseURL;
  const model = options.model;
  const officialApi = isOfficialApi(baseUrl);

  async function streamTurn(
    request: ModelRequest,
    signal: AbortSignal,
    onDelta: (delta: StreamDelta) => void,
  ): Promise<ModelTurn> {
    const watchdog = startIdleWatchdog(signal, options.requestTimeoutMs);
    const context = { provider: 'openai' as const, model, baseUrl, sdk: SDK_ERRORS, signal };
    const assembler = new OpenAITurnAssembler(onDelta);
    try {
      const stream = await client.chat.completions.create(buildOpenAIParams(model, request, { officialApi }), {
        signal: watchdog.signal,
      });
      for await (const chunk of stream) {
        watchdog.touch();
        assembler.handle(chunk);
      }
    } catch (error) {
      throw toModelError(error, { ...context, timedOutAfterMs: watchdog.timedOutAfterMs });
    } finally {
      watchdog.dispose();
    }
    // The SDK ends the iteration quietly when its signal aborts: name it for what it was.
    if (signal.aborted || watchdog.timedOutAfterMs !== undefined) {
      throw toModelError(new Error('stream aborted'), { ...context, timedOutAfterMs: watchdog.timedOutAfterMs });
    }
    if (!assembler.complete) {
      throw new ModelError({
        provider: 'openai',
        kind: 'stream_cut',
        message: `${providerLabel('openai')} (${baseUrl}): the response stream ended without a finish_reason`,
      });
    }
    return assembler.turn();
  }

  return { name: 'openai', model, baseUrl, streamTurn };
}

function isOfficialApi(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}
