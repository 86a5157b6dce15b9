import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process-on-free-port.ts';

/*
 * A real server process configured only by the standard OTEL_* variables exports its spans
 * over OTLP/HTTP to a local receiver (a node:http server here that decodes what arrives), in
 * JSON and in protobuf (the default), in the trace of the caller's `traceparent`; and exports
 * nothing when the SDK is disabled.
 */

const callerTraceId = '0af7651916cd43dd8448eb211c80319c';
const traceparent = `00-${callerTraceId}-b7ad6b7169203331-01`;

describe('OTLP/HTTP export from a server process', () => {
  let receiver: OtlpReceiver | undefined;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    await receiver?.close();
    server = undefined;
    receiver = undefined;
  });

  async function askWithTraceparent(url: string) {
    const response = await fetch(`${url}/runs/wait`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent },
      body: JSON.stringify({ assistant_id: 'supervisor', input: { messages: [{ role: 'user', content: 'What is the refund policy for late deliveries?' }] } }),
    });
    expect(response.status).toBe(200);
  }

  for (const protocol of ['http/json', 'http/protobuf'] as const) {
    it(`sends the run's spans as ${protocol}, flushed when the process stops`, async () => {
      receiver = await startOtlpReceiver();
      server = await startServerProcess({
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_SERVICE_NAME: 'overseer-otlp-test',
        OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental',
      });
      await askWithTraceparent(server.url);
      // SIGTERM: the service shuts tracing down, which exports what the batch still holds.
      await server.stop();
      server = undefined;

      expect(receiver.contentTypes.length, 'export requests').toBeGreaterThan(0);
      expect(receiver.contentTypes.every((type) => type.startsWith(protocol === 'http/json' ? 'application/json' : 'application/x-protobuf'))).toBe(true);
      const spans = receiver.spans;
      expect(new Set(spans.map((span) => span.serviceName))).toEqual(new Set(['overseer-otlp-test']));
      const request = spans.find((span) => span.name === 'POST /runs/wait');
      const run = spans.find((span) => span.name === 'invoke_agent supervisor');
      expect(request, spans.map((span) => span.name).join(', ')).toBeDefined();
      expect(request!.traceId).toBe(callerTraceId);
      expect(request!.parentSpanId).toBe('b7ad6b7169203331');
      expect(run!.traceId).toBe(callerTraceId);
      expect(run!.parentSpanId).toBe(request!.spanId);
      expect(run!.attributes).toMatchObject({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'supervisor', 'overseer.run.status': 'success' });
      const retriever = spans.find((span) => span.name === 'invoke_agent retriever');
      expect(retriever!.parentSpanId).toBe(run!.spanId);
      const chat = spans.find((span) => span.attributes['gen_ai.operation.name'] === 'chat');
      expect(chat!.attributes).toMatchObject({ 'gen_ai.provider.name': expect.any(String), 'gen_ai.request.model': expect.any(String), 'gen_ai.usage.input_tokens': expect.any(Number) });
      const search = spans.find((span) => span.attributes['gen_ai.operation.name'] === 'retrieval');
      expect(search!.attributes['overseer.retrieval.hits']).toBeGreaterThan(0);
      expect(spans.every((span) => span.traceId === callerTraceId)).toBe(true);
    });
  }

  it('exports nothing with OTEL_SDK_DISABLED=true, though an endpoint is set', async () => {
    receiver = await startOtlpReceiver();
    server = await startServerProcess({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SDK_DISABLED: 'true' });
    await askWithTraceparent(server.url);
    await server.stop();
    server = undefined;
    expect(receiver.contentTypes).toEqual([]);
  });
});
