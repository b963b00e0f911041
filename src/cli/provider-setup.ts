/**
 * Chooses and builds the model provider from flags and environment. When nothing is
 * configured it probes loopback for a local OpenAI-compatible server; when a server is named
 * but no model is, it asks that server for its models. It says what it chose, and turns
 * configuration problems into usage errors that say what to set.
 */
import type { ModelProvider } from '../model/types.ts';
import { ConfigError, configFromProbe, DEFAULT_OPENAI_MODEL, resolveProviderConfig, type ResolvedProviderConfig } from '../model/provider-config.ts';
import { describeNoProviderHelp, listServerModels, probeLocalServers } from '../model/local-probe.ts';
import { UsageError } from './usage-error.ts';

export interface ProviderFlags {
  readonly provider: string | undefined;
  readonly model: string | undefined;
  readonly baseUrl: string | undefined;
}

const REQUEST_TIMEOUT_MS = 10 * 60 * 1000;
const PROBE_TIMEOUT_MS = 800;

export async function setUpProvider(
  flags: ProviderFlags,
  env: Readonly<Record<string, string | undefined>>,
  note: (line: string) => void,
): Promise<ModelProvider> {
  const config = await resolveConfig(flags, env, note);
  const options = {
    apiKey: config.apiKey,
    model: config.model,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    ...(config.baseUrl === undefined ? {} : { baseUrl: config.baseUrl }),
  };
  if (config.provider === 'anthropic') {
    const { createAnthropicProvider } = await import('../model/anthropic.ts');
    return createAnthropicProvider(options);
  }
  const { createOpenAIProvider } = await import('../model/openai.ts');
  return createOpenAIProvider(options);
}

async function resolveConfig(
  flags: ProviderFlags,
  env: Readonly<Record<string, string | undefined>>,
  note: (line: string) => void,
): Promise<ResolvedProviderConfig> {
  let resolved;
  try {
    resolved = resolveProviderConfig({ ...flags, env });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  if (!('needsProbe' in resolved)) return resolved;

  if (resolved.baseUrl !== undefined) {
    const listing = await listServerModels(resolved.baseUrl, { timeoutMs: PROBE_TIMEOUT_MS * 4, apiKey: resolved.apiKey });
    if (listing.kind === 'unreachable') {
      throw new UsageError(
        `nothing answered at ${resolved.baseUrl} (${listing.detail})`,
        'check that the server is running and the URL is right (OpenAI-compatible servers usually end in /v1)',
      );
    }
    if (listing.kind === 'no-list') {
      // Gateways often do not list models; the server will say if it does not serve this one.
      note(`${resolved.baseUrl} did not list its models (${listing.detail}); using ${DEFAULT_OPENAI_MODEL}: pass --model to choose`);
      return { provider: 'openai', model: DEFAULT_OPENAI_MODEL, baseUrl: resolved.baseUrl, ...(resolved.apiKey === undefined ? {} : { apiKey: resolved.apiKey }), source: resolved.source ?? '' };
    }
    const config = configFromProbe(resolved, [{ name: resolved.baseUrl, baseUrl: resolved.baseUrl, models: listing.models }], flags.model);
    if (config === null) throw new UsageError(`${resolved.baseUrl} lists no models`, 'pass --model with a model the server serves');
    note(config.source);
    return config;
  }

  const found = await probeLocalServers({ timeoutMs: PROBE_TIMEOUT_MS });
  const config = configFromProbe(resolved, found, flags.model);
  if (config === null) throw new UsageError(describeNoProviderHelp());
  note(config.source);
  return config;
}
