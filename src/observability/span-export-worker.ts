/**
 * Worker thread body for `createWorkerSpanExporter`: turns the spans the serving thread hands
 * over back into spans, and exports them with OpenTelemetry's own OTLP/HTTP exporter (protobuf
 * or JSON, its retries, timeouts and headers), so encoding every batch and sending it happens
 * here instead of between requests. Loads without a TypeScript loader (types are erased).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { fromSpanData, type SpanData } from './span-data.ts';
import type { SpanExportRequest, SpanExportWorkerData } from './worker-span-exporter.ts';

const { exporter: settings, resource: resourceAttributes } = workerData as SpanExportWorkerData;
const options = { url: settings.url, headers: settings.headers, timeoutMillis: settings.timeoutMillis };
const exporter = settings.protocol === 'http/json' ? new OtlpJsonExporter(options) : new OtlpProtobufExporter(options);
const resource = resourceFromAttributes(resourceAttributes);
const scopes = new Map<string, ReadableSpan['instrumentationScope']>();

function scopeOf(scope: SpanData['scope']): ReadableSpan['instrumentationScope'] {
  const key = `${scope.name}\n${scope.version ?? ''}\n${scope.schemaUrl ?? ''}`;
  let known = scopes.get(key);
  if (!known) scopes.set(key, (known = scope));
  return known;
}

function reply(id: number, result: ExportResult): void {
  parentPort!.postMessage({ id, ok: result.code === ExportResultCode.SUCCESS, ...(result.error ? { error: result.error.message } : {}) });
}

function failed(error: unknown): ExportResult {
  return { code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) };
}

parentPort!.on('message', (request: SpanExportRequest) => {
  if (request.type === 'export') {
    try {
      exporter.export(request.spans.map((span) => fromSpanData(span, resource, scopeOf)), (result) => reply(request.id, result));
    } catch (error) {
      reply(request.id, failed(error));
    }
    return;
  }
  const done = request.type === 'flush' ? exporter.forceFlush() : exporter.shutdown();
  done.then(() => reply(request.id, { code: ExportResultCode.SUCCESS }), (error: unknown) => reply(request.id, failed(error)));
});
