import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracing, readTracingConfig, traceAgent, type Tracing } from '../../observability/index.ts';
import { openDatabase } from '../../storage/index.ts';
import { runToolCall } from '../run-tool-call.ts';
import { createSqliteEffectLedger } from '../sqlite-effect-ledger.ts';
import { createToolRegistry } from '../tool-registry.ts';
import { registerOpenApiTools } from './register-openapi-tools.ts';

/* An OpenAPI tool's HTTP call carries the W3C context of its `execute_tool` span, so the upstream joins the run's trace. */

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let server: Server;
let baseUrl = '';
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  tracing = createTracing(readTracingConfig({}), { exporter });
  server = createServer((request, response) => {
    seen.push(request.headers);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"up"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await tracing.shutdown();
});

describe('OpenAPI tools in a trace', () => {
  it("send traceparent naming the call's execute_tool span, in the agent's trace", async () => {
    const tools = registerOpenApiTools({ openapi: '3.0.3', paths: { '/health': { get: { operationId: 'health', summary: 'Health' } } } }, { baseUrl, operations: ['health'] });
    const registry = createToolRegistry(tools);
    const ledger = createSqliteEffectLedger(openDatabase(':memory:', { vectors: false }));
    const outcome = await traceAgent({ name: 'executor' }, () =>
      runToolCall({ registry, ledger, call: { id: 'call-1', name: 'health', args: {} }, context: { tenantId: 'acme', scopes: [], idempotencyKey: randomUUID() } }));
    expect(outcome).toMatchObject({ status: 'ok' });
    const tool = exporter.getFinishedSpans().find((span) => span.name === 'execute_tool health')!;
    const agent = exporter.getFinishedSpans().find((span) => span.name === 'invoke_agent executor')!;
    expect(tool.parentSpanContext?.spanId).toBe(agent.spanContext().spanId);
    expect(seen[0]!.traceparent).toBe(`00-${agent.spanContext().traceId}-${tool.spanContext().spanId}-01`);
  });
});
