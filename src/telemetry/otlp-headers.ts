/**
 * The OTLP exporter header variables (`OTEL_EXPORTER_OTLP_HEADERS` and its per-signal
 * variants): `name=value` pairs separated by commas, values percent-encoded, as the
 * OpenTelemetry specification defines them. They usually carry a collector's API key, so the
 * child environment keeps them from commands and redaction masks their values
 * (src/policy/child-env.ts).
 */

export const OTLP_SIGNALS = ['traces', 'metrics', 'logs'] as const;
export type OtlpSignal = (typeof OTLP_SIGNALS)[number];

/** `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TRACES_HEADERS`, ... */
export const OTLP_HEADERS_VARIABLE = /^OTEL_EXPORTER_OTLP_(?:(?:TRACES|METRICS|LOGS)_)?HEADERS$/;

/** Parses `a=1,b=two%20words`; pairs without a name or an `=` are skipped, as the SDK skips them. */
export function parseOtlpHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const name = decode(pair.slice(0, at).trim());
    const value = decode(pair.slice(at + 1).trim());
    if (name !== '') headers[name] = value;
  }
  return headers;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * What of a header value to mask: the value itself, and the credential in an
 * `Authorization: Bearer <token>` style value, which may turn up on its own.
 */
export function secretPartsOfHeaderValue(value: string): string[] {
  const parts = [value.trim()];
  const scheme = /^[A-Za-z][A-Za-z0-9-]*\s+(\S+)$/.exec(value.trim());
  if (scheme?.[1] !== undefined) parts.push(scheme[1]);
  return parts;
}
