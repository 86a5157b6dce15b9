/**
 * What tracing adds to one run, in CPU, without the noise of a whole server: the spans a run
 * through HTTP makes (the request's server span, the run's `invoke_agent`, a hop's `invoke_agent`
 * with a `chat` and an `execute_tool` inside), its trace context carried through a stored record,
 * with OpenTelemetry off (the API's no-op) and on (the Node SDK's batch processor, each batch
 * serialized as OTLP protobuf as the exporter would send it). `bench:runs -- --tracing` measures
 * the same on a server process end to end.
 *
 *   node --import tsx bench/tracing-cost.ts
 */
import { context, SpanKind, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { contextFromCarrier, createTracing, currentTraceCarrier, overseerTracer, readTracingConfig, startAgentSpan, traceAgent, traceToolCall } from '../src/observability/index.ts';

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

async function oneRun(): Promise<void> {
  const parent = contextFromCarrier({ traceparent });
  const server = overseerTracer().startSpan('POST', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'url.path': '/runs/stream' } }, parent);
  const carrier = context.with(trace.setSpan(parent, server), () => currentTraceCarrier());
  const run = startAgentSpan({ name: 'supervisor', id: 'supervisor', conversationId: 'thread-1', tenantId: 'default', runId: 'run-1' }, contextFromCarrier(carrier));
  await context.with(run.context, () =>
    traceAgent({ name: 'executor', conversationId: 'thread-1' }, async () => {
      const chat = overseerTracer().startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini' } });
      chat.setAttributes({ 'gen_ai.usage.input_tokens': 812, 'gen_ai.usage.output_tokens': 41, 'gen_ai.response.finish_reasons': ['tool_calls'] });
      chat.end();
      await traceToolCall({ name: 'lookup_order', id: 'call-1', risk: 'read' }, async (span) => span.end('executed'));
    }));
  run.span.setAttribute('overseer.run.status', 'success');
  run.span.end();
  server.setAttribute('http.response.status_code', 200);
  server.end();
}

async function cpuPerRun(runs: number): Promise<number> {
  for (let warmup = 0; warmup < 2_000; warmup += 1) await oneRun();
  const before = process.cpuUsage();
  for (let index = 0; index < runs; index += 1) await oneRun();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / runs;
}

const runs = 20_000;
const off = await cpuPerRun(runs);
let exportedBytes = 0;
const exporter: SpanExporter = {
  export(spans, done) {
    exportedBytes += ProtobufTraceSerializer.serializeRequest(spans)?.length ?? 0;
    done({ code: 0 });
  },
  shutdown: async () => {},
};
// The service's own set-up, with a batch processor in front of the serializing exporter.
const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-node');
const batch = new BatchSpanProcessor(exporter, { maxQueueSize: 100_000 });
const tracing = createTracing(readTracingConfig({}), { exporter, spanProcessor: batch });
const on = await cpuPerRun(runs);
await tracing.shutdown();
console.log(`CPU per run, ${runs} runs of 6 spans each (server, run, hop, chat, tool; context through a record):`);
console.log(`  tracing off (no-op API):               ${off.toFixed(1)} µs`);
console.log(`  tracing on (batched, OTLP protobuf):   ${on.toFixed(1)} µs   (${(exportedBytes / 1_048_576).toFixed(1)} MiB serialized)`);
