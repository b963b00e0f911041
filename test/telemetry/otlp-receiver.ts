/**
 * A real OTLP/HTTP receiver on loopback for the telemetry tests: it accepts POST /v1/traces,
 * /v1/metrics and /v1/logs as a collector does, keeps every request (headers and raw body),
 * and decodes OTLP/JSON bodies into plain spans, metric points and log records so tests can
 * assert on what ward exported. Protobuf bodies are kept raw (a test can still search them for
 * text: protobuf stores strings as plain UTF-8).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface OtlpReceiver {
  /** http://127.0.0.1:PORT, the base for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const known = req.method === 'POST' && ['/v1/traces', '/v1/metrics', '/v1/logs'].includes(req.url ?? '');
      const json = (req.headers['content-type'] ?? '').includes('json');
      // An empty Export*ServiceResponse: `{}` in JSON, zero bytes in protobuf.
      res.writeHead(known ? 200 : 404, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(known && json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// OTLP/JSON, as much of it as the tests read. Integers may arrive as numbers or strings (int64).
const int = z.union([z.number(), z.string()]).transform(Number);
const anyValue: z.ZodType = z.lazy(() =>
  z
    .object({
      stringValue: z.string().optional(),
      boolValue: z.boolean().optional(),
      intValue: int.optional(),
      doubleValue: z.number().optional(),
      arrayValue: z.object({ values: z.array(anyValue).optional() }).optional(),
    })
    .transform((value) => value.stringValue ?? value.boolValue ?? value.intValue ?? value.doubleValue ?? value.arrayValue?.values ?? null),
);
const keyValues = z
  .array(z.object({ key: z.string(), value: anyValue }))
  .optional()
  .transform((list) => Object.fromEntries((list ?? []).map(({ key, value }) => [key, value])) as Record<string, unknown>);
const resource = z.object({ attributes: keyValues }).optional();

const spanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string(),
  startTimeUnixNano: int,
  endTimeUnixNano: int,
  attributes: keyValues,
  events: z.array(z.object({ name: z.string(), attributes: keyValues })).optional(),
  status: z.object({ code: z.number().optional(), message: z.string().optional() }).optional(),
});
const tracesSchema = z.object({
  resourceSpans: z.array(z.object({ resource, scopeSpans: z.array(z.object({ spans: z.array(spanSchema).optional() })).optional() })).optional(),
});

const numberPoint = z.object({ attributes: keyValues, asInt: int.optional(), asDouble: z.number().optional() });
const histogramPoint = z.object({ attributes: keyValues, count: int, sum: z.number().optional() });
const metricSchema = z.object({
  name: z.string(),
  sum: z.object({ dataPoints: z.array(numberPoint) }).optional(),
  gauge: z.object({ dataPoints: z.array(numberPoint) }).optional(),
  histogram: z.object({ dataPoints: z.array(histogramPoint) }).optional(),
});
const metricsSchema = z.object({
  resourceMetrics: z.array(z.object({ resource, scopeMetrics: z.array(z.object({ metrics: z.array(metricSchema).optional() })).optional() })).optional(),
});

const logSchema = z.object({
  eventName: z.string().optional(),
  severityText: z.string().optional(),
  body: anyValue.optional(),
  attributes: keyValues,
  spanId: z.string().optional(),
  traceId: z.string().optional(),
});
const logsSchema = z.object({
  resourceLogs: z.array(z.object({ resource, scopeLogs: z.array(z.object({ logRecords: z.array(logSchema).optional() })).optional() })).optional(),
});

export type ReceivedSpan = z.output<typeof spanSchema> & { readonly resource: Record<string, unknown> };
export type ReceivedLog = z.output<typeof logSchema>;

export interface MetricPoint {
  readonly name: string;
  readonly kind: 'sum' | 'gauge' | 'histogram';
  readonly attributes: Record<string, unknown>;
  /** The value for sums and gauges, the sum for histograms. */
  readonly value: number;
  /** Histograms: how many values were recorded. */
  readonly count: number;
}

function jsonBodies(receiver: OtlpReceiver, path: string): unknown[] {
  return receiver.requests.filter((request) => request.path === path).map((request) => JSON.parse(request.body.toString('utf8')) as unknown);
}

export function receivedSpans(receiver: OtlpReceiver): ReceivedSpan[] {
  return jsonBodies(receiver, '/v1/traces').flatMap((body) =>
    (tracesSchema.parse(body).resourceSpans ?? []).flatMap((rs) =>
      (rs.scopeSpans ?? []).flatMap((scope) => (scope.spans ?? []).map((span) => ({ ...span, resource: rs.resource?.attributes ?? {} }))),
    ),
  );
}

/**
 * The metric points of the last metrics export (temporality is cumulative, and ward exports
 * metrics once, at the end of a short session).
 */
export function receivedMetrics(receiver: OtlpReceiver): MetricPoint[] {
  const last = jsonBodies(receiver, '/v1/metrics').at(-1);
  if (last === undefined) return [];
  return (metricsSchema.parse(last).resourceMetrics ?? []).flatMap((rm) =>
    (rm.scopeMetrics ?? []).flatMap((scope) =>
      (scope.metrics ?? []).flatMap((metric): MetricPoint[] => [
        ...(metric.sum?.dataPoints ?? []).map((p) => ({ name: metric.name, kind: 'sum' as const, attributes: p.attributes, value: p.asInt ?? p.asDouble ?? 0, count: 1 })),
        ...(metric.gauge?.dataPoints ?? []).map((p) => ({ name: metric.name, kind: 'gauge' as const, attributes: p.attributes, value: p.asInt ?? p.asDouble ?? 0, count: 1 })),
        ...(metric.histogram?.dataPoints ?? []).map((p) => ({ name: metric.name, kind: 'histogram' as const, attributes: p.attributes, value: p.sum ?? 0, count: p.count })),
      ]),
    ),
  );
}

export function receivedLogs(receiver: OtlpReceiver): ReceivedLog[] {
  return jsonBodies(receiver, '/v1/logs').flatMap((body) =>
    (logsSchema.parse(body).resourceLogs ?? []).flatMap((rl) => (rl.scopeLogs ?? []).flatMap((scope) => scope.logRecords ?? [])),
  );
}
