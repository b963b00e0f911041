/**
 * The OpenTelemetry SDK for one session: a tracer, a meter and a logger provider, each with an
 * OTLP/HTTP exporter, fed by the three recorders. Reached only through the dynamic import in
 * index.ts, so ward without telemetry never loads any of it (the build puts it in its own
 * chunk).
 *
 * Nothing is registered globally: the Anthropic SDK traces through the global tracer provider
 * when one is set, and its spans (and the trace headers it would then send) are not ward's to
 * add. The recorders use these providers directly.
 */
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { defaultResource, detectResources, resourceAttributesEnvDetector, resourceFromAttributes, serviceNameEnvDetector } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { WardEvent } from '../events/schema.ts';
import type { TelemetryConfig } from './config.ts';
import { createLogExporter, createMetricExporter, createSpanExporter, EXPORT_TIMEOUT_MS, type ExportFailureHandler } from './exporters.ts';
import { LogRecorder } from './log-recorder.ts';
import { MetricRecorder } from './metric-recorder.ts';
import { TraceRecorder } from './trace-recorder.ts';

const SCOPE = 'ward';
/** The specification's default; OTEL_METRIC_EXPORT_INTERVAL changes it. */
const DEFAULT_METRIC_INTERVAL_MS = 60_000;

export interface TelemetrySessionOptions {
  readonly wardVersion: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly onExportFailure: ExportFailureHandler;
}

export interface TelemetrySession {
  record(event: WardEvent): void;
  /** Exports what is left and stops; bounded by the exporters' timeout, not by this call. */
  shutdown(): Promise<void>;
}

export function openTelemetrySession(config: TelemetryConfig, options: TelemetrySessionOptions): TelemetrySession {
  // OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME, win over ward's defaults. No process or
  // host detector: the process's command line holds the prompt.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'ward', 'service.version': options.wardVersion }))
    .merge(detectResources({ detectors: [resourceAttributesEnvDetector, serviceNameEnvDetector] }));
  const { traces, metrics, logs } = config.signals;
  const onFailure = options.onExportFailure;

  const tracerProvider =
    traces === null ? null : new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter: createSpanExporter(traces, onFailure), exportTimeoutMillis: EXPORT_TIMEOUT_MS })] });
  const meterProvider =
    metrics === null
      ? null
      : new MeterProvider({
          resource,
          readers: [
            new PeriodicExportingMetricReader({
              exporter: createMetricExporter(metrics, onFailure),
              exportIntervalMillis: metricInterval(options.env),
              exportTimeoutMillis: EXPORT_TIMEOUT_MS,
            }),
          ],
        });
  const loggerProvider =
    logs === null ? null : new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: createLogExporter(logs, onFailure), exportTimeoutMillis: EXPORT_TIMEOUT_MS })] });

  const traceRecorder = tracerProvider === null ? null : new TraceRecorder(tracerProvider.getTracer(SCOPE, options.wardVersion), config.includeContent);
  const metricRecorder = meterProvider === null ? null : new MetricRecorder(meterProvider.getMeter(SCOPE, options.wardVersion));
  const logRecorder =
    loggerProvider === null
      ? null
      : new LogRecorder(loggerProvider.getLogger(SCOPE, options.wardVersion), config.includeContent, (callId) => traceRecorder?.contextFor(callId) ?? ROOT_CONTEXT);

  return {
    record(event) {
      // Spans first: a log record is tied to the span its event opened.
      traceRecorder?.record(event);
      metricRecorder?.record(event);
      logRecorder?.record(event);
    },
    async shutdown() {
      traceRecorder?.endOpen(Date.now());
      await Promise.all([tracerProvider?.shutdown(), meterProvider?.shutdown(), loggerProvider?.shutdown()]);
    },
  };
}

function metricInterval(env: Readonly<Record<string, string | undefined>>): number {
  const value = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  return Number.isInteger(value) && value > EXPORT_TIMEOUT_MS ? value : DEFAULT_METRIC_INTERVAL_MS;
}
