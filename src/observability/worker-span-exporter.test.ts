import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ExportResultCode, TraceState, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerSpanExporter } from './worker-span-exporter.ts';

// Two endpoints on one local server: what OpenTelemetry's own exporter sends from this thread,
// and what the worker sends; the bodies must be the same.
const bodies: Record<string, Buffer[]> = {};
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    (bodies[request.url!] ??= []).push(Buffer.concat(chunks));
    response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/json' }).end(request.headers['content-type']?.includes('json') ? '{}' : '');
  });
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Finished spans with what a span can carry: a remote parent with tracestate, a link, an event, an error status. */
function finishedSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'overseer-test', 'deployment.environment.name': 'test' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('overseer', '0.1.0');
  const remote = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true, traceState: new TraceState('vendor=1'),
  });
  const request = tracer.startSpan('POST /runs/stream', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'server.port': 2024 } }, remote);
  const run = tracer.startSpan('invoke_agent supervisor', {
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'overseer.run.attempt': 1, 'gen_ai.response.finish_reasons': ['stop', 'tool_calls'], 'overseer.agent.paused': false, 'overseer.retrieval.top_score': 0.82 },
    links: [{ context: request.spanContext(), attributes: { 'overseer.link': 'request' } }],
  }, trace.setSpan(context.active(), request));
  run.addEvent('budget.exhausted', { 'overseer.budget.measure': 'run_tokens' });
  run.setStatus({ code: SpanStatusCode.ERROR, message: 'Budget exhausted' });
  run.end();
  request.end();
  return memory.getFinishedSpans();
}

function exported(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('worker span exporter', () => {
  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    it(`sends the same ${protocol} body as OpenTelemetry's exporter does from the serving thread`, async () => {
      const spans = finishedSpans();
      const options = { headers: { 'x-tenant': 'acme' }, timeoutMillis: 5_000 };
      const direct = protocol === 'http/json'
        ? new OtlpJsonExporter({ ...options, url: `${base}/direct-${protocol}` })
        : new OtlpProtobufExporter({ ...options, url: `${base}/direct-${protocol}` });
      const worker = createWorkerSpanExporter({ protocol, url: `${base}/worker-${protocol}`, ...options }, spans[0]!.resource.attributes);
      expect((await exported(direct, spans)).code).toBe(ExportResultCode.SUCCESS);
      expect((await exported(worker, spans)).code).toBe(ExportResultCode.SUCCESS);
      const [sent] = bodies[`/worker-${protocol}`]!;
      const [reference] = bodies[`/direct-${protocol}`]!;
      if (protocol === 'http/json') expect(JSON.parse(sent!.toString())).toEqual(JSON.parse(reference!.toString()));
      else expect(sent!.equals(reference!)).toBe(true);
      await Promise.all([direct.shutdown(), worker.shutdown()]);
    });
  }

  it('reports a failed export when the endpoint refuses, and fails every export once shut down', async () => {
    const refused = createServer((_request, response) => response.writeHead(400).end());
    await new Promise<void>((resolve) => refused.listen(0, '127.0.0.1', resolve));
    const worker = createWorkerSpanExporter(
      { protocol: 'http/protobuf', url: `http://127.0.0.1:${(refused.address() as AddressInfo).port}/v1/traces`, headers: {}, timeoutMillis: 5_000 },
      {},
    );
    const spans = finishedSpans();
    expect((await exported(worker, spans)).code).toBe(ExportResultCode.FAILED);
    await worker.forceFlush!();
    await worker.shutdown();
    expect((await exported(worker, spans)).code).toBe(ExportResultCode.FAILED);
    await new Promise<void>((resolve) => refused.close(() => resolve()));
  });
});
