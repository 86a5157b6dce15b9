import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTracing, readTracingConfig, type Tracing } from '../../src/observability/index.ts';
import { createTestHarness, refundsOf, userMessage, type TestHarness } from '../support/test-services.ts';

/*
 * OpenTelemetry GenAI traces of refund runs through the real Hono app (offline models), read
 * from an in-memory exporter: the caller's `traceparent` → the HTTP server span → the run's
 * `invoke_agent supervisor` → one `invoke_agent` per specialist hop → `chat` per model call,
 * `execute_tool` per tool call with its guard outcome, `retrieval` per search; an approval wait
 * and its resumed run; the webhook receiving the run's trace context.
 */

const keys = { agent: 'agent-key-0123456789abcdef', manager: 'manager-key-0123456789abcdef' };
const apiKeys = JSON.stringify([
  { key: keys.agent, tenant: 'acme', scopes: ['runs:*', 'threads:*', 'orders:read', 'orders:write', 'refunds:write', 'credits:write'], name: 'support-agent' },
  { key: keys.manager, tenant: 'acme', scopes: ['*'], name: 'support-manager' },
]);
const callerTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const callerSpanId = '00f067aa0ba902b7';
const traceparent = `00-${callerTraceId}-${callerSpanId}-01`;

interface Webhook {
  headers: IncomingHttpHeaders;
  body: { run_id: string; status: string };
}

function startWebhookReceiver() {
  const received: Webhook[] = [];
  const waiting: Array<(webhook: Webhook) => void> = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const webhook = { headers: request.headers, body: JSON.parse(body) as Webhook['body'] };
      received.push(webhook);
      waiting.splice(0).forEach((resolve) => resolve(webhook));
      response.writeHead(204).end();
    });
  });
  return {
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    },
    next: (runId: string) =>
      new Promise<Webhook>((resolve) => {
        const found = received.find((webhook) => webhook.body.run_id === runId);
        if (found) resolve(found);
        else waiting.push(function check(webhook) { if (webhook.body.run_id === runId) resolve(webhook); else waiting.push(check); });
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function call(harness: TestHarness, method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}) {
  return harness.app.request(path, {
    method,
    headers: { 'x-api-key': key, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** The finished spans as a tree, by parent span id. */
function treeOf(spans: ReadableSpan[]) {
  const idOf = (span: ReadableSpan) => span.spanContext().spanId;
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  return {
    named: (name: string) => spans.filter((span) => span.name === name),
    childrenOf: (parent: ReadableSpan) => spans.filter((span) => parentOf(span) === idOf(parent)).sort((a, b) => compareTime(a.startTime, b.startTime)),
    /** Every span below `parent`, however deep. */
    below(parent: ReadableSpan): ReadableSpan[] {
      const children = this.childrenOf(parent);
      return children.flatMap((child) => [child, ...this.below(child)]);
    },
    parentOf: (span: ReadableSpan) => spans.find((candidate) => idOf(candidate) === parentOf(span)),
  };
}

function compareTime(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

const operation = (span: ReadableSpan) => span.attributes['gen_ai.operation.name'];

describe('OpenTelemetry GenAI traces of a refund run (latest conventions, no content)', () => {
  const exporter = new InMemorySpanExporter();
  const webhooks = startWebhookReceiver();
  let webhookUrl = '';
  let tracing: Tracing;
  let harness: TestHarness;
  beforeAll(async () => {
    webhookUrl = await webhooks.listen();
    tracing = createTracing(readTracingConfig({ OTEL_SEMCONV_STABILITY_OPT_IN: 'http,gen_ai_latest_experimental' }), { exporter });
    harness = await createTestHarness({ API_KEYS: apiKeys }, { tracing });
  });
  afterAll(async () => {
    await harness?.close();
    await tracing?.shutdown();
    await webhooks.close();
  });
  beforeEach(() => exporter.reset());

  async function refund(orderId: number) {
    const thread = (await (await call(harness, 'POST', '/threads', keys.agent, {})).json()) as { thread_id: string };
    const created = await call(harness, 'POST', `/threads/${thread.thread_id}/runs`, keys.agent, {
      assistant_id: 'supervisor',
      input: userMessage(`Please refund order ${orderId} because it arrived late.`),
      webhook: webhookUrl,
    }, { traceparent });
    expect(created.status).toBe(200);
    const run = (await created.json()) as { run_id: string };
    const joined = await call(harness, 'GET', `/threads/${thread.thread_id}/runs/${run.run_id}/join`, keys.agent);
    expect(joined.status).toBe(200);
    const webhook = await webhooks.next(run.run_id);
    await tracing.forceFlush();
    return { threadId: thread.thread_id, runId: run.run_id, values: (await joined.json()) as Record<string, unknown>, webhook };
  }

  it('nests hops, model calls, tool calls and searches under the run, in the caller\'s trace, and passes it to the webhook', async () => {
    const { threadId, runId, webhook } = await refund(1001);
    expect(refundsOf(harness.services, 1001)).toHaveLength(1);
    const spans = exporter.getFinishedSpans();
    const tree = treeOf(spans);

    // The request that created the run is a server span, child of the caller's span.
    const [server] = tree.named('POST /threads/:thread_id/runs');
    expect(server, spans.map((span) => span.name).join(', ')).toBeDefined();
    expect(server!.kind).toBe(1); // SERVER
    expect(server!.spanContext().traceId).toBe(callerTraceId);
    expect(server!.parentSpanContext?.spanId).toBe(callerSpanId);
    expect(server!.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/threads/:thread_id/runs', 'http.response.status_code': 200 });

    // The run: `invoke_agent supervisor` under that request, in the same trace.
    const [run] = tree.named('invoke_agent supervisor');
    expect(run).toBeDefined();
    expect(tree.parentOf(run!)).toBe(server);
    expect(run!.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'supervisor',
      'gen_ai.conversation.id': threadId,
      'overseer.run.id': runId,
      'overseer.tenant': 'acme',
      'overseer.run.status': 'success',
    });

    // One `invoke_agent` per specialist hop, children of the run, in the order they ran.
    const hops = tree.childrenOf(run!).filter((span) => operation(span) === 'invoke_agent');
    expect(hops.map((span) => span.attributes['gen_ai.agent.name'])).toEqual(['retriever', 'executor', 'reviewer']);
    for (const hop of hops) expect(hop.attributes['gen_ai.conversation.id']).toBe(threadId);
    const [retriever, executor, reviewer] = hops;

    // The router's model calls are the run's own; each specialist's are its hop's.
    const everything = tree.below(run!);
    const chats = everything.filter((span) => operation(span) === 'chat');
    expect(chats.length).toBeGreaterThanOrEqual(4);
    for (const chat of chats) {
      expect(chat.kind).toBe(2); // CLIENT
      expect(chat.name).toBe(`chat ${chat.attributes['gen_ai.request.model']}`);
      expect(chat.attributes['gen_ai.provider.name']).toEqual(expect.any(String));
      expect(chat.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(chat.attributes['gen_ai.usage.output_tokens']).toEqual(expect.any(Number));
      // The offline model reports no usage: the counts are estimates, and say so.
      expect(chat.attributes['overseer.usage.estimated']).toBe(true);
      // Latest conventions asked for: no deprecated `gen_ai.system`, and no content unless opted in.
      expect(chat.attributes['gen_ai.system']).toBeUndefined();
      expect(chat.attributes['gen_ai.input.messages']).toBeUndefined();
      expect(chat.attributes['gen_ai.output.messages']).toBeUndefined();
    }
    const roleOfChatsUnder = (parent: ReadableSpan) => [...new Set(tree.below(parent).filter((span) => operation(span) === 'chat').map((span) => span.attributes['overseer.agent.role']))];
    expect(tree.childrenOf(run!).filter((span) => operation(span) === 'chat').map((span) => span.attributes['overseer.agent.role'])).toContain('supervisor');
    expect(roleOfChatsUnder(retriever!)).toEqual(['retriever']);
    // The executor's own calls, and the reviewer's pre-action review of the refund inside its hop.
    expect(roleOfChatsUnder(executor!)).toEqual(['executor', 'reviewer']);
    expect(roleOfChatsUnder(reviewer!)).toEqual(['reviewer']);

    // Tool calls sit under the executor's hop, with their guard outcome.
    const tools = tree.below(executor!).filter((span) => operation(span) === 'execute_tool');
    const byTool = Object.fromEntries(tools.map((span) => [span.attributes['gen_ai.tool.name'], span.attributes]));
    expect(byTool.lookup_order).toMatchObject({ 'overseer.tool.risk': 'read', 'overseer.tool.outcome': 'executed', 'gen_ai.tool.call.id': expect.any(String) });
    expect(byTool.issue_refund).toMatchObject({ 'overseer.tool.risk': 'irreversible', 'overseer.tool.guard': 'allowed', 'overseer.tool.outcome': 'executed' });
    expect(everything.filter((span) => operation(span) === 'execute_tool')).toHaveLength(tools.length);

    // Searches: the retriever's under its hop, with hits and the top score.
    const searches = tree.below(retriever!).filter((span) => operation(span) === 'retrieval');
    expect(searches.length).toBeGreaterThan(0);
    expect(searches[0]!.name).toBe('retrieval knowledge_base');
    expect(searches[0]!.attributes['overseer.retrieval.hits']).toBeGreaterThan(0);
    expect(searches[0]!.attributes['overseer.retrieval.top_score']).toEqual(expect.any(Number));
    expect(searches[0]!.attributes['gen_ai.retrieval.query.text']).toBeUndefined();

    // Everything is one trace: the caller's.
    expect(new Set(everything.map((span) => span.spanContext().traceId))).toEqual(new Set([callerTraceId]));

    // The webhook joins it too, as a child of the run's span.
    expect(webhook.body.status).toBe('success');
    expect(webhook.headers.traceparent).toBe(`00-${callerTraceId}-${run!.spanContext().spanId}-01`);
  });

  it('shows an approval wait: the refund held for approval, the run interrupted, then executed in the resumed run', async () => {
    const { threadId, runId, values } = await refund(1004);
    const approvalId = (values.__interrupt__ as Array<{ value: { approvalId: string } }>)[0]!.value.approvalId;
    let tree = treeOf(exporter.getFinishedSpans());
    const [paused] = tree.named('invoke_agent supervisor');
    expect(paused!.attributes).toMatchObject({ 'overseer.run.id': runId, 'overseer.run.status': 'interrupted' });
    const [held] = tree.below(paused!).filter((span) => span.attributes['gen_ai.tool.name'] === 'issue_refund');
    expect(held!.attributes).toMatchObject({ 'overseer.tool.guard': 'held_for_approval', 'overseer.tool.outcome': 'held_for_approval' });
    expect(held!.status.code).not.toBe(2); // a wait, not an error
    // The executor's hop paused with it.
    const executor = tree.parentOf(held!);
    expect(executor!.attributes).toMatchObject({ 'gen_ai.agent.name': 'executor', 'overseer.agent.paused': true });
    expect(refundsOf(harness.services, 1004)).toHaveLength(0);

    exporter.reset();
    const decisionTrace = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const decided = await call(harness, 'POST', `/approvals/${approvalId}`, keys.manager, { decision: 'approve' }, { traceparent: `00-${decisionTrace}-bbbbbbbbbbbbbbbb-01` });
    expect(decided.status).toBe(200);
    const { run: resumed } = (await decided.json()) as { run: { run_id: string } };
    expect((await call(harness, 'GET', `/threads/${threadId}/runs/${resumed.run_id}/join`, keys.manager)).status).toBe(200);
    await tracing.forceFlush();
    tree = treeOf(exporter.getFinishedSpans());
    // The resumed run belongs to the trace of the request that approved it.
    const [resumedRun] = tree.named('invoke_agent supervisor');
    expect(resumedRun!.attributes).toMatchObject({ 'overseer.run.id': resumed.run_id, 'gen_ai.conversation.id': threadId, 'overseer.run.status': 'success' });
    expect(resumedRun!.spanContext().traceId).toBe(decisionTrace);
    const refunds = tree.below(resumedRun!).filter((span) => span.attributes['gen_ai.tool.name'] === 'issue_refund');
    expect(refunds.map((span) => [span.attributes['overseer.tool.guard'], span.attributes['overseer.tool.outcome']])).toEqual([['allowed', 'executed']]);
    expect(refundsOf(harness.services, 1004)).toHaveLength(1);
  });
});

describe('OpenTelemetry traces with message content opted in (default conventions)', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let harness: TestHarness;
  beforeAll(async () => {
    tracing = createTracing(readTracingConfig({ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' }), { exporter });
    harness = await createTestHarness({ API_KEYS: apiKeys }, { tracing });
  });
  afterAll(async () => {
    await harness?.close();
    await tracing?.shutdown();
  });

  it('puts prompts, replies, tool arguments and results, and the query on the spans, and keeps the deprecated gen_ai.system beside gen_ai.provider.name', async () => {
    const thread = (await (await call(harness, 'POST', '/threads', keys.agent, {})).json()) as { thread_id: string };
    const waited = await call(harness, 'POST', `/threads/${thread.thread_id}/runs/wait`, keys.agent, {
      assistant_id: 'supervisor',
      input: userMessage('Please refund order 1001 because it arrived late.'),
    });
    expect(waited.status).toBe(200);
    await tracing.forceFlush();
    const spans = exporter.getFinishedSpans();
    const chats = spans.filter((span) => operation(span) === 'chat');
    const router = chats.find((span) => span.attributes['overseer.agent.role'] === 'supervisor')!;
    const input = JSON.parse(router.attributes['gen_ai.input.messages'] as string) as Array<{ role: string; parts: Array<{ type: string; content?: string }> }>;
    expect(input).toContainEqual({ role: 'user', parts: [{ type: 'text', content: 'Please refund order 1001 because it arrived late.' }] });
    expect(JSON.parse(router.attributes['gen_ai.system_instructions'] as string)[0]).toMatchObject({ type: 'text', content: expect.any(String) });
    expect(JSON.parse(router.attributes['gen_ai.output.messages'] as string)[0]).toMatchObject({ role: 'assistant' });
    for (const chat of chats) expect(chat.attributes['gen_ai.system']).toBe(chat.attributes['gen_ai.provider.name']);
    const refund = spans.find((span) => span.attributes['gen_ai.tool.name'] === 'issue_refund')!;
    expect(JSON.parse(refund.attributes['gen_ai.tool.call.arguments'] as string)).toMatchObject({ orderId: 1001 });
    expect(refund.attributes['gen_ai.tool.call.result']).toEqual(expect.stringContaining('1001'));
    const search = spans.find((span) => operation(span) === 'retrieval')!;
    expect(search.attributes['gen_ai.retrieval.query.text']).toEqual(expect.any(String));
    expect(JSON.parse(search.attributes['gen_ai.retrieval.documents'] as string)[0]).toMatchObject({ id: expect.any(String), score: expect.any(Number) });
  });
});
