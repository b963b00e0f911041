/**
 * The OTLP/HTTP exporters, one per signal, in the protocol configured for it. Every export is
 * bounded (EXPORT_TIMEOUT_MS, the SDK's retries included), so a collector that is down or
 * silent costs ward at most that long at the end of a session; and every failed export is
 * reported once, so the user learns that their telemetry is not arriving.
 */
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtobufLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { SignalTarget } from './config.ts';
import type { OtlpSignal } from './otlp-headers.ts';

/** Per export request, retries included. Explicit, so OTEL_EXPORTER_OTLP_TIMEOUT cannot stretch ward's exit. */
export const EXPORT_TIMEOUT_MS = 2_000;

export type ExportFailureHandler = (signal: OtlpSignal, url: string, reason: string) => void;

function exporterOptions(target: SignalTarget): { url: string; headers: Record<string, string>; timeoutMillis: number } {
  return { url: target.url, headers: { ...target.headers }, timeoutMillis: EXPORT_TIMEOUT_MS };
}

export function createSpanExporter(target: SignalTarget, onFailure: ExportFailureHandler): SpanExporter {
  const options = exporterOptions(target);
  const exporter = target.protocol === 'http/json' ? new JsonTraceExporter(options) : new ProtobufTraceExporter(options);
  return watchFailures(exporter, (reason) => onFailure('traces', target.url, reason));
}

export function createMetricExporter(target: SignalTarget, onFailure: ExportFailureHandler): PushMetricExporter {
  const options = exporterOptions(target);
  const exporter = target.protocol === 'http/json' ? new JsonMetricExporter(options) : new ProtobufMetricExporter(options);
  return watchFailures(exporter, (reason) => onFailure('metrics', target.url, reason));
}

export function createLogExporter(target: SignalTarget, onFailure: ExportFailureHandler): LogRecordExporter {
  const options = exporterOptions(target);
  const exporter = target.protocol === 'http/json' ? new JsonLogExporter(options) : new ProtobufLogExporter(options);
  return watchFailures(exporter, (reason) => onFailure('logs', target.url, reason));
}

interface Exporting<T> {
  export(items: T, resultCallback: (result: { readonly code: number; readonly error?: Error }) => void): void;
}

/** Passes every result on unchanged, noting failures (ExportResultCode.SUCCESS is 0). */
function watchFailures<T, E extends Exporting<T>>(exporter: E, onFailure: (reason: string) => void): E {
  const original = exporter.export.bind(exporter);
  exporter.export = (items, resultCallback) => {
    original(items, (result) => {
      if (result.code !== 0) onFailure(result.error?.message ?? 'the export failed');
      resultCallback(result);
    });
  };
  return exporter;
}
