/**
 * Decides which provider, model, endpoint and key a session uses, from flags and the
 * environment, and says why in words (`source`) so the user can see what was picked.
 *
 * Order:
 *   1. --provider, if given (an unknown value is an error listing the valid ones);
 *   2. ANTHROPIC_API_KEY or ANTHROPIC_BASE_URL set  -> anthropic;
 *   3. OPENAI_API_KEY or OPENAI_BASE_URL set        -> openai;
 *   4. --base-url alone                             -> openai (local servers speak its API);
 *   5. nothing: the caller probes for a local server ({ needsProbe: true }).
 * A base URL means a proxy or a local server, so no key is required with one. An OpenAI-
 * compatible server with no --model is asked for its models (needsProbe with its baseUrl),
 * and its first listed model is used.
 */
import type { ProbedServer } from './local-probe.ts';
import type { ProviderName } from './types.ts';

/** Current Sonnet (released 2026-09, verified on platform.claude.com 2026-11-21). */
export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-5-5';
/** OpenAI's recommended flagship on developers.openai.com/docs/models (checked 2026-11-21). */
export const DEFAULT_OPENAI_MODEL = 'gpt-5.5';

export const PROVIDER_NAMES: readonly ProviderName[] = ['anthropic', 'openai'];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface ResolvedProviderConfig {
  readonly provider: ProviderName;
  readonly model: string;
  readonly baseUrl?: string;
  readonly apiKey?: string;
  /** Human-readable reason, e.g. "ANTHROPIC_API_KEY is set". Never contains the key. */
  readonly source: string;
}

export interface NeedsProbe {
  readonly needsProbe: true;
  /** Set when the server is known but the model is not: ask this server for its models.
   * Unset: scan the usual local ports (probeLocalServers). */
  readonly baseUrl?: string;
  readonly apiKey?: string;
  readonly source?: string;
}

export interface ProviderConfigInput {
  readonly provider?: string | undefined;
  readonly model?: string | undefined;
  readonly baseUrl?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function resolveProviderConfig(input: ProviderConfigInput): ResolvedProviderConfig | NeedsProbe {
  const env = (name: string): string | undefined => nonEmpty(input.env[name]);
  const model = nonEmpty(input.model);
  const flagBaseUrl = nonEmpty(input.baseUrl);

  if (input.provider !== undefined) {
    const provider = input.provider.trim().toLowerCase();
    if (provider === 'anthropic') return anthropicConfig(model, flagBaseUrl, env, '--provider anthropic');
    if (provider === 'openai') return openaiConfig(model, flagBaseUrl, env, '--provider openai');
    throw new ConfigError(
      `Unknown --provider "${input.provider}". Valid providers: ${PROVIDER_NAMES.join(', ')}.`,
    );
  }
  if (env('ANTHROPIC_API_KEY') !== undefined || env('ANTHROPIC_BASE_URL') !== undefined) {
    return anthropicConfig(model, flagBaseUrl, env, undefined);
  }
  if (env('OPENAI_API_KEY') !== undefined || env('OPENAI_BASE_URL') !== undefined) {
    return openaiConfig(model, flagBaseUrl, env, undefined);
  }
  if (flagBaseUrl !== undefined) return openaiConfig(model, flagBaseUrl, env, '--base-url given');
  return { needsProbe: true };
}

function anthropicConfig(
  model: string | undefined,
  flagBaseUrl: string | undefined,
  env: (name: string) => string | undefined,
  flag: string | undefined,
): ResolvedProviderConfig {
  const apiKey = env('ANTHROPIC_API_KEY');
  const baseUrl = flagBaseUrl ?? env('ANTHROPIC_BASE_URL');
  if (apiKey === undefined && baseUrl === undefined) {
    throw new ConfigError(
      'ANTHROPIC_API_KEY is not set. Export it (export ANTHROPIC_API_KEY=sk-ant-...), or pass --base-url for an Anthropic-compatible proxy that needs no key.',
    );
  }
  const reasons = [
    flag,
    apiKey !== undefined ? 'ANTHROPIC_API_KEY is set' : undefined,
    baseUrlReason(flagBaseUrl, 'ANTHROPIC_BASE_URL', env),
  ];
  return {
    provider: 'anthropic',
    model: model ?? DEFAULT_ANTHROPIC_MODEL,
    ...(baseUrl !== undefined ? { baseUrl } : {}),
    ...(apiKey !== undefined ? { apiKey } : {}),
    source: joinReasons(reasons),
  };
}

function openaiConfig(
  model: string | undefined,
  flagBaseUrl: string | undefined,
  env: (name: string) => string | undefined,
  flag: string | undefined,
): ResolvedProviderConfig | NeedsProbe {
  const apiKey = env('OPENAI_API_KEY');
  const baseUrl = flagBaseUrl ?? env('OPENAI_BASE_URL');
  if (apiKey === undefined && baseUrl === undefined) {
    throw new ConfigError(
      'OPENAI_API_KEY is not set. Export it (export OPENAI_API_KEY=sk-...), or pass --base-url http://localhost:11434/v1 (or another OpenAI-compatible server) to use a local model without a key.',
    );
  }
  const source = joinReasons([
    flag,
    apiKey !== undefined ? 'OPENAI_API_KEY is set' : undefined,
    baseUrlReason(flagBaseUrl, 'OPENAI_BASE_URL', env),
  ]);
  if (model === undefined && baseUrl !== undefined) {
    // A compatible server serves its own models; the default OpenAI model is unlikely
    // among them, so ask it.
    return { needsProbe: true, baseUrl, ...(apiKey !== undefined ? { apiKey } : {}), source };
  }
  return {
    provider: 'openai',
    model: model ?? DEFAULT_OPENAI_MODEL,
    ...(baseUrl !== undefined ? { baseUrl } : {}),
    ...(apiKey !== undefined ? { apiKey } : {}),
    source,
  };
}

/**
 * Completes a probe: the first server with a model, and its first listed model (or the
 * requested one). Null when nothing usable was found; print describeNoProviderHelp() then.
 */
export function configFromProbe(
  probe: NeedsProbe,
  servers: readonly ProbedServer[],
  model?: string,
): ResolvedProviderConfig | null {
  const server = servers.find((candidate) => candidate.models.length > 0);
  const chosen = nonEmpty(model) ?? server?.models[0];
  if (server === undefined || chosen === undefined) return null;
  const which = nonEmpty(model) !== undefined ? 'model' : 'its first model';
  const found = `found ${server.name} at ${server.baseUrl}, using ${which} ${chosen}`;
  return {
    provider: 'openai',
    model: chosen,
    baseUrl: server.baseUrl,
    ...(probe.apiKey !== undefined ? { apiKey: probe.apiKey } : {}),
    source: probe.source !== undefined ? `${probe.source}; ${found}` : `no provider configured; ${found}`,
  };
}

function baseUrlReason(
  flagBaseUrl: string | undefined,
  variable: string,
  env: (name: string) => string | undefined,
): string | undefined {
  if (flagBaseUrl !== undefined) return `--base-url ${withoutCredentials(flagBaseUrl)}`;
  const fromEnv = env(variable);
  return fromEnv !== undefined ? `${variable}=${withoutCredentials(fromEnv)}` : undefined;
}

/** `source` is shown and logged; a URL with user:password@ must not leak through it. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

function joinReasons(reasons: ReadonlyArray<string | undefined>): string {
  return reasons.filter((reason): reason is string => reason !== undefined).join(', ');
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed.length === 0 ? undefined : trimmed;
}
