/**
 * Whether ward exports OpenTelemetry, where to, and what. Off unless something turns it on.
 * Highest first:
 *
 *   managed settings  `enabled` forces export on or off, whatever anything below says (on
 *                     means every signal: OTEL_*_EXPORTER=none is ignored then);
 *                     `endpoint` fixes the destination: every OTEL_*_ENDPOINT variable and
 *                     the user's endpoint, protocol and headers are ignored; `protocol`,
 *                     `headers` and `includeContent` win over everything below.
 *   environment       OTEL_SDK_DISABLED=true turns export off. An endpoint variable
 *                     (OTEL_EXPORTER_OTLP_ENDPOINT or a per-signal *_TRACES_/*_METRICS_/
 *                     *_LOGS_ENDPOINT) turns it on; the protocol and headers variables win over
 *                     user settings; OTEL_{TRACES,METRICS,LOGS}_EXPORTER=none turns a signal off.
 *   user settings     `enabled: true`, or an `endpoint`, turns export on; `enabled: false`
 *                     keeps it off even when the variables are set.
 *   default           off; once on, http://localhost:4318 over http/protobuf.
 *
 * Header variables are also sent to a managed endpoint (the SDK merges them under the
 * configured headers, and an organisation may hand out per-user keys that way). Content
 * (prompts, answers, tool inputs and outputs) is exported only when `includeContent` is true
 * in managed or user settings; never from the environment.
 *
 * This module is light on purpose: it runs on every start, the SDK loads only when enabled.
 */
import type { TelemetryLayers, TelemetrySettings } from './layers.ts';
import { OTLP_SIGNALS, parseOtlpHeaders, secretPartsOfHeaderValue, type OtlpSignal } from './otlp-headers.ts';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface SignalTarget {
  /** The full URL exports of this signal are POSTed to. */
  readonly url: string;
  readonly protocol: OtlpProtocol;
  /** Settings' and variables' headers merged by precedence (the SDK also reads the variables itself, beneath these). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface TelemetryConfig {
  readonly enabled: boolean;
  /** What decided `enabled`, in words: "managed settings /etc/...", "OTEL_EXPORTER_OTLP_ENDPOINT", ... */
  readonly reason: string;
  /** Per signal; null when that signal is turned off (OTEL_*_EXPORTER=none). */
  readonly signals: Readonly<Record<OtlpSignal, SignalTarget | null>>;
  readonly includeContent: boolean;
  /** Header values from settings files, for redaction (the variables' values are added by child-env.ts). */
  readonly secretValues: readonly string[];
  /** Problems with the configuration, said once at the start. */
  readonly warnings: readonly string[];
}

export type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_ENDPOINT = 'http://localhost:4318';
const DEFAULT_PROTOCOL: OtlpProtocol = 'http/protobuf';
const SIGNAL_PATHS: Record<OtlpSignal, string> = { traces: 'v1/traces', metrics: 'v1/metrics', logs: 'v1/logs' };

const variable = (signal: OtlpSignal | null, what: string): string => `OTEL_EXPORTER_OTLP_${signal === null ? '' : `${signal.toUpperCase()}_`}${what}`;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function resolveTelemetryConfig(layers: TelemetryLayers, env: Env): TelemetryConfig {
  const warnings: string[] = [];
  const managed = layers.managed?.settings;
  const user = layers.user?.settings;
  const { enabled, reason } = decideEnabled(layers, env);
  const managedEndpoint = managed?.endpoint;
  // A managed endpoint fixes the whole destination: the user's own endpoint, protocol and
  // headers belong to a destination that is not in use.
  const lower: TelemetrySettings | undefined = managedEndpoint === undefined ? user : undefined;

  // Export forced on by managed settings cannot be turned off signal by signal either.
  const forced = managed?.enabled === true;
  const signals = {} as Record<OtlpSignal, SignalTarget | null>;
  for (const signal of OTLP_SIGNALS) {
    const exporter = forced ? undefined : read(env, `OTEL_${signal.toUpperCase()}_EXPORTER`);
    if (exporter === 'none') {
      signals[signal] = null;
      continue;
    }
    if (exporter !== undefined && exporter !== 'otlp') warnings.push(`OTEL_${signal.toUpperCase()}_EXPORTER=${exporter}: ward exports over OTLP only; using otlp`);
    signals[signal] = {
      url: signalUrl(signal, managedEndpoint, lower?.endpoint, env, warnings),
      protocol: signalProtocol(signal, managed, lower, managedEndpoint !== undefined, env, warnings),
      headers: { ...lower?.headers, ...headersFromEnv(signal, env), ...managed?.headers },
    };
  }

  const includeContent = managed?.includeContent ?? user?.includeContent ?? false;
  const secretValues = [...Object.values(managed?.headers ?? {}), ...Object.values(user?.headers ?? {})]
    .flatMap(secretPartsOfHeaderValue)
    .filter((value) => value.length >= 4);
  return { enabled, reason, signals, includeContent, secretValues, warnings: enabled ? warnings : [] };
}

/** Whether anything is to be exported: the one check made when telemetry is off. */
export function telemetryEnabled(config: TelemetryConfig): boolean {
  return config.enabled && OTLP_SIGNALS.some((signal) => config.signals[signal] !== null);
}

function decideEnabled(layers: TelemetryLayers, env: Env): { enabled: boolean; reason: string } {
  const managed = layers.managed;
  if (managed?.settings.enabled !== undefined) return { enabled: managed.settings.enabled, reason: `managed settings ${managed.source}` };
  if (read(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return { enabled: false, reason: 'OTEL_SDK_DISABLED=true' };
  const user = layers.user;
  if (user?.settings.enabled !== undefined) return { enabled: user.settings.enabled, reason: `user settings ${user.source}` };
  const endpointVariable = [variable(null, 'ENDPOINT'), ...OTLP_SIGNALS.map((signal) => variable(signal, 'ENDPOINT'))].find((name) => read(env, name) !== undefined);
  if (endpointVariable !== undefined) return { enabled: true, reason: endpointVariable };
  if (user?.settings.endpoint !== undefined) return { enabled: true, reason: `user settings ${user.source}` };
  return { enabled: false, reason: 'off by default' };
}

function signalUrl(signal: OtlpSignal, managedEndpoint: string | undefined, userEndpoint: string | undefined, env: Env, warnings: string[]): string {
  if (managedEndpoint !== undefined) return joinPath(managedEndpoint, SIGNAL_PATHS[signal]);
  // The per-signal variable is the whole URL; the general one is a base the path is added to.
  const specific = read(env, variable(signal, 'ENDPOINT'));
  if (specific !== undefined && isHttpUrl(specific, variable(signal, 'ENDPOINT'), warnings)) return specific;
  const general = read(env, variable(null, 'ENDPOINT'));
  if (general !== undefined && isHttpUrl(general, variable(null, 'ENDPOINT'), warnings)) return joinPath(general, SIGNAL_PATHS[signal]);
  return joinPath(userEndpoint ?? DEFAULT_ENDPOINT, SIGNAL_PATHS[signal]);
}

function signalProtocol(
  signal: OtlpSignal,
  managed: TelemetrySettings | undefined,
  lower: TelemetrySettings | undefined,
  destinationFixed: boolean,
  env: Env,
  warnings: string[],
): OtlpProtocol {
  if (managed?.protocol !== undefined) return managed.protocol;
  if (destinationFixed) return DEFAULT_PROTOCOL;
  for (const name of [variable(signal, 'PROTOCOL'), variable(null, 'PROTOCOL')]) {
    const value = read(env, name);
    if (value === undefined) continue;
    if (value === 'http/protobuf' || value === 'http/json') return value;
    warnings.push(`${name}=${value} is not supported (ward exports OTLP over HTTP: http/protobuf or http/json); using ${lower?.protocol ?? DEFAULT_PROTOCOL}`);
    break;
  }
  return lower?.protocol ?? DEFAULT_PROTOCOL;
}

function isHttpUrl(value: string, name: string, warnings: string[]): boolean {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return true;
  } catch {
    // Reported below.
  }
  const message = `${name} is not an http(s) URL (${value}); it is ignored`;
  if (!warnings.includes(message)) warnings.push(message);
  return false;
}

function joinPath(base: string, path: string): string {
  return `${base.endsWith('/') ? base : `${base}/`}${path}`;
}

/** The general header variable, then the signal's own on top, as the SDK reads them. */
function headersFromEnv(signal: OtlpSignal, env: Env): Record<string, string> {
  return { ...parseOtlpHeaders(env[variable(null, 'HEADERS')]), ...parseOtlpHeaders(env[variable(signal, 'HEADERS')]) };
}
