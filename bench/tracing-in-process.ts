/**
 * Tracing's cost on whole runs without a network in between: the service built in this process
 * (bench/fixtures/langgraph.json's trivial graph, SQLite), 2,000 streamed stateless runs through
 * the Hono app's `app.request` by 10 callers, each with a caller `traceparent`, and this process's
 * CPU per run, with tracing `off` or `on` (the service's batch processor, each batch serialized as
 * OTLP protobuf and dropped). One mode per process, so the global tracer starts clean; alternate
 * them to see the spread:
 *
 *   for mode in off on off on off on; do node --import tsx bench/tracing-in-process.ts $mode; done
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/index.ts';
import { createTracing, readTracingConfig } from '../src/observability/index.ts';
import { createServices } from '../src/services.ts';

const mode = process.argv[2] === 'on' ? 'on' : 'off';
const exporter: SpanExporter = {
  export(spans, done) {
    ProtobufTraceSerializer.serializeRequest(spans);
    done({ code: 0 });
  },
  shutdown: async () => {},
};
const tracing = mode === 'on' ? createTracing(readTracingConfig({}), { exporter, spanProcessor: new BatchSpanProcessor(exporter) }) : undefined;
const dataDir = mkdtempSync(path.join(tmpdir(), 'overseer-bench-tracing-'));
const config = loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, LOG_LEVEL: 'silent', LANGGRAPH_CONFIG: path.resolve(import.meta.dirname, 'fixtures/langgraph.json') });
const services = await createServices(config, tracing ? { tracing } : {});
const app = createApp(services);
const body = JSON.stringify({ assistant_id: 'trivial', input: { text: 'hello' }, stream_mode: ['values'] });
const headers = { 'content-type': 'application/json', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };

async function runs(count: number, callers = 10): Promise<void> {
  await Promise.all(Array.from({ length: callers }, async () => {
    for (let index = 0; index < count / callers; index += 1) {
      const response = await app.request('/runs/stream', { method: 'POST', headers, body });
      if (!(await response.text()).includes('HELLO!')) throw new Error('unexpected stream');
    }
  }));
}

await runs(300);
const count = 2_000;
const before = process.cpuUsage();
await runs(count);
const used = process.cpuUsage(before);
console.log(`tracing ${mode}: ${((used.user + used.system) / 1_000 / count).toFixed(3)} ms CPU per run (${count} runs, 10 callers)`);
await services.close();
await tracing?.shutdown();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
