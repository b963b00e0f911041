/**
 * Chooses and builds the model provider from flags and environment, probing loopback for a
 * local OpenAI-compatible server when nothing is configured. Reports what it chose on the
 * trace, and turns configuration problems into usage errors that say what to set.
 */
import type { ModelProvider } from '../model/types.ts';
import { ConfigError, resolveProviderConfig } from '../model/provider-config.ts';
import { describeNoProviderHelp, probeLocalServers } from '../model/local-probe.ts';
import { UsageError } from './usage-error.ts';

export interface ProviderFlags {
  readonly provider: string | undefined;
  readonly model: string | undefined;
  readonly baseUrl: string | undefined;
}

const REQUEST_TIMEOUT_MS = 10 * 60 * 1000;

export async function setUpProvider(
  flags: ProviderFlags,
  env: Readonly<Record<string, string | undefined>>,
  note: (line: string) => void,
): Promise<ModelProvider> {
  let resolved;
  try {
    resolved = resolveProviderConfig({ ...flags, env: { ...env } });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }

  if ('needsProbe' in resolved) {
    const found = await probeLocalServers({ timeoutMs: 400 });
    const server = found.find((candidate) => candidate.models.length > 0 || flags.model !== undefined);
    if (server === undefined) {
      throw new UsageError(`no model provider is configured, and no local server answered on the usual ports.\n${describeNoProviderHelp()}`);
    }
    const model = flags.model ?? server.models[0] ?? '';
    note(`no API key set; found ${server.name} at ${server.baseUrl}, using model ${model}`);
    const { createOpenAIProvider } = await import('../model/openai.ts');
    return createOpenAIProvider({ apiKey: undefined, baseUrl: server.baseUrl, model, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  }

  if (resolved.provider === 'anthropic') {
    const { createAnthropicProvider } = await import('../model/anthropic.ts');
    return createAnthropicProvider({ apiKey: resolved.apiKey, model: resolved.model, requestTimeoutMs: REQUEST_TIMEOUT_MS, ...(resolved.baseUrl === undefined ? {} : { baseUrl: resolved.baseUrl }) });
  }
  const { createOpenAIProvider } = await import('../model/openai.ts');
  return createOpenAIProvider({ apiKey: resolved.apiKey, model: resolved.model, requestTimeoutMs: REQUEST_TIMEOUT_MS, ...(resolved.baseUrl === undefined ? {} : { baseUrl: resolved.baseUrl }) });
}
