import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoff, openAIEnvironment } from '../support/openai-scenarios.ts';
import { reply, startOpenAICompatibleServer, type OpenAICompatibleServer } from '../support/openai-compatible-server.ts';
import { parsePrometheus, type PrometheusExposition } from '../support/parse-prometheus.ts';
import { createTestHarness, parseSse, refundsOf, userMessage, type TestHarness } from '../support/test-services.ts';

/*
 * Metrics and accounting through the real Hono app: a refund run moves the Prometheus counters
 * (runs, tool calls by outcome, model calls by role), every model call's usage is recorded with
 * its run, role, model and tenant, and what `GET /usage` sums is what the runs' own totals say.
 */

const keys = {
  admin: 'acme-admin-key-0123456789abcdef',
  metrics: 'acme-metrics-key-0123456789abcdef',
  usage: 'acme-usage-key-0123456789abcdef',
  runner: 'acme-runner-key-0123456789abcdef',
  globex: 'globex-admin-key-0123456789abcdef',
};
const apiKeys = JSON.stringify([
  { key: keys.admin, tenant: 'acme', scopes: ['*'], name: 'acme-admin' },
  { key: keys.metrics, tenant: 'acme', scopes: ['metrics:read'], name: 'scraper' },
  { key: keys.usage, tenant: 'acme', scopes: ['usage:read'], name: 'finance' },
  { key: keys.runner, tenant: 'acme', scopes: ['runs:*', 'threads:*', 'refunds:write', 'orders:read'], name: 'support-agent' },
  { key: keys.globex, tenant: 'globex', scopes: ['*'], name: 'globex-admin' },
]);

interface Usage {
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  estimated: boolean;
}
interface UsageReport {
  totals: Usage;
  groups: Array<Usage & { key: string }>;
}

function request(harness: TestHarness, method: string, path: string, key?: string, body?: unknown) {
  return harness.app.request(path, {
    method,
    headers: { ...(key ? { 'x-api-key': key } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function scrape(harness: TestHarness, key?: string): Promise<PrometheusExposition> {
  const response = await request(harness, 'GET', '/metrics', key);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await response.text());
}

async function refundRun(harness: TestHarness, orderId: number, key = keys.admin) {
  const thread = (await (await request(harness, 'POST', '/threads', key, {})).json()) as { thread_id: string };
  const created = await request(harness, 'POST', `/threads/${thread.thread_id}/runs`, key, {
    assistant_id: 'supervisor',
    input: userMessage(`Please refund order ${orderId} because it arrived late.`),
  });
  expect(created.status).toBe(200);
  const run = (await created.json()) as { run_id: string };
  const joined = await request(harness, 'GET', `/threads/${thread.thread_id}/runs/${run.run_id}/join`, key);
  expect(joined.status).toBe(200);
  return { threadId: thread.thread_id, runId: run.run_id };
}

async function usageOfRun(harness: TestHarness, threadId: string, runId: string, key = keys.admin): Promise<Usage> {
  const response = await request(harness, 'GET', `/threads/${threadId}/runs/${runId}`, key);
  expect(response.status).toBe(200);
  return ((await response.json()) as { usage: Usage }).usage;
}

async function usageReport(harness: TestHarness, query: string, key = keys.usage): Promise<UsageReport> {
  const response = await request(harness, 'GET', `/usage${query}`, key);
  expect(response.status).toBe(200);
  return (await response.json()) as UsageReport;
}

const counted = ['calls', 'input_tokens', 'output_tokens', 'cached_tokens', 'reasoning_tokens'] as const;
function sumOf(usages: Usage[]): Omit<Usage, 'estimated'> {
  const total = { calls: 0, input_tokens: 0, output_tokens: 0, cached_tokens: 0, reasoning_tokens: 0, cost_usd: 0 };
  for (const usage of usages) {
    for (const name of counted) total[name] += usage[name];
    total.cost_usd += usage.cost_usd;
  }
  return total;
}
const withoutFlags = ({ estimated: _estimated, key: _key, ...usage }: Usage & { key?: string }) => usage;

describe('metrics and usage with the offline model', () => {
  let harness: TestHarness;
  const runs: Array<{ threadId: string; runId: string }> = [];
  beforeAll(async () => {
    harness = await createTestHarness({ API_KEYS: apiKeys });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('serves Prometheus text that moves as a refund run happens: runs, tool calls by outcome, model calls by role', async () => {
    const before = await scrape(harness, keys.metrics);
    const run = await refundRun(harness, 1001, keys.runner);
    runs.push(run);
    expect(refundsOf(harness.services, 1001)).toHaveLength(1);
    const after = await scrape(harness, keys.metrics);
    const moved = (name: string, labels?: Record<string, string>) => after.value(name, labels) - before.value(name, labels);

    expect(moved('overseer_runs_total', { graph: 'supervisor', status: 'success' })).toBe(1);
    expect(moved('overseer_run_duration_seconds_count', { graph: 'supervisor', status: 'success' })).toBe(1);
    expect(moved('overseer_run_queue_wait_seconds_count', { graph: 'supervisor' })).toBe(1);
    expect(moved('overseer_tool_calls_total', { tool: 'issue_refund', outcome: 'executed' })).toBe(1);
    expect(moved('overseer_tool_calls_total', { tool: 'lookup_order', outcome: 'executed' })).toBe(1);
    for (const role of ['supervisor', 'retriever', 'executor', 'reviewer']) {
      expect(moved('overseer_model_calls_total', { role, outcome: 'ok' }), `model calls of ${role}`).toBeGreaterThan(0);
      expect(moved('overseer_model_call_duration_seconds_count', { role }), `latency of ${role}`).toBe(moved('overseer_model_calls_total', { role }));
      expect(moved('overseer_model_tokens_total', { role, kind: 'input' }), `input tokens of ${role}`).toBeGreaterThan(0);
    }
    expect(after.has('overseer_model_calls_total', { role: 'supervisor', model: 'overseer-offline-supervisor' })).toBe(true);
    expect(moved('overseer_retrieval_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(0);
    expect(moved('overseer_reviews_total', { stage: 'answer', verdict: 'accepted' })).toBe(1);
    // State read at scrape time, and Node's own process metrics (event-loop lag among them).
    expect(after.has('overseer_run_queue_depth')).toBe(true);
    expect(after.has('overseer_approvals_pending')).toBe(true);
    expect(after.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');

    // Low cardinality: no run or thread id, and no tenant unless configured.
    const values = new Set(after.samples.flatMap((sample) => Object.values(sample.labels)));
    expect(values.has(run.runId) || values.has(run.threadId)).toBe(false);
    expect(after.samples.some((sample) => 'tenant' in sample.labels)).toBe(false);
  });

  it('counts a refund held for approval, the approval pending, then its decision and how long it waited', async () => {
    const before = await scrape(harness, keys.metrics);
    // Order 1004's late-delivery refund is above the approval threshold.
    const thread = (await (await request(harness, 'POST', '/threads', keys.admin, {})).json()) as { thread_id: string };
    const response = await request(harness, 'POST', `/threads/${thread.thread_id}/runs/wait`, keys.admin, {
      assistant_id: 'supervisor',
      input: userMessage('Please refund order 1004 because it arrived late.'),
    });
    expect(response.status).toBe(200);
    const after = await scrape(harness, keys.metrics);
    expect(after.value('overseer_tool_calls_total', { tool: 'issue_refund', outcome: 'held_for_approval' }) - before.value('overseer_tool_calls_total', { tool: 'issue_refund', outcome: 'held_for_approval' })).toBe(1);
    expect(after.value('overseer_approvals_pending') - before.value('overseer_approvals_pending')).toBe(1);
    expect(after.value('overseer_runs_total', { status: 'interrupted' }) - before.value('overseer_runs_total', { status: 'interrupted' })).toBe(1);

    const { approvalId } = ((await response.json()) as { __interrupt__: Array<{ value: { approvalId: string } }> }).__interrupt__[0]!.value;
    const decided = await request(harness, 'POST', `/approvals/${approvalId}`, keys.admin, { decision: 'approve' });
    expect(decided.status).toBe(200);
    const resumed = ((await decided.json()) as { run: { run_id: string } }).run;
    expect((await request(harness, 'GET', `/threads/${thread.thread_id}/runs/${resumed.run_id}/join`, keys.admin)).status).toBe(200);
    runs.push({ threadId: thread.thread_id, runId: resumed.run_id });
    const later = await scrape(harness, keys.metrics);
    expect(later.value('overseer_approvals_pending')).toBe(before.value('overseer_approvals_pending'));
    expect(later.value('overseer_approval_decisions_total', { decision: 'approve' }) - after.value('overseer_approval_decisions_total', { decision: 'approve' })).toBe(1);
    expect(later.value('overseer_approval_decision_seconds_count', { decision: 'approve' }) - after.value('overseer_approval_decision_seconds_count', { decision: 'approve' })).toBe(1);
    expect(later.value('overseer_tool_calls_total', { tool: 'issue_refund', outcome: 'executed' }) - after.value('overseer_tool_calls_total', { tool: 'issue_refund', outcome: 'executed' })).toBe(1);
  });

  it('needs the metrics:read scope: 401 without a key, 403 naming the scope without it', async () => {
    expect((await request(harness, 'GET', '/metrics')).status).toBe(401);
    const refused = await request(harness, 'GET', '/metrics', keys.runner);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('"metrics:read"');
  });

  it('puts the run\'s usage on its record and in a usage event, the last before the stream ends', async () => {
    const thread = (await (await request(harness, 'POST', '/threads', keys.admin, {})).json()) as { thread_id: string };
    const response = await request(harness, 'POST', `/threads/${thread.thread_id}/runs/stream`, keys.admin, {
      assistant_id: 'supervisor',
      input: userMessage('How many days do I have to ask for a refund when my order arrived late?'),
      stream_mode: ['values'],
    });
    const events = parseSse(await response.text());
    const runId = (events[0]!.data as { run_id: string }).run_id;
    runs.push({ threadId: thread.thread_id, runId });
    expect(events.at(-1)!.event).toBe('usage');
    const streamed = events.at(-1)!.data as Usage & { run_id: string };
    const stored = await usageOfRun(harness, thread.thread_id, runId);
    expect(streamed).toEqual({ run_id: runId, ...stored });
    // The offline model reports no counts: they are estimated (characters / 4), and say so.
    expect(stored.calls).toBeGreaterThanOrEqual(2);
    expect(stored.input_tokens).toBeGreaterThan(stored.output_tokens);
    expect(stored.estimated).toBe(true);
    expect(stored.cost_usd).toBe(0);
  });

  it('sums the tenant\'s usage by agent, model, day and thread to exactly what its runs\' totals say', async () => {
    for (const groupBy of ['agent', 'model', 'day', 'thread']) {
      const report = await usageReport(harness, `?group_by=${groupBy}`);
      expect(sumOf(report.groups), `groups by ${groupBy}`).toEqual(withoutFlags(report.totals));
    }
    // Each thread's usage is the sum of its runs' (the approval's thread has two: paused, resumed).
    const byThread = await usageReport(harness, '?group_by=thread');
    const everyRun: Usage[] = [];
    for (const group of byThread.groups) {
      const listed = (await (await request(harness, 'GET', `/threads/${group.key}/runs?limit=100`, keys.admin)).json()) as Array<{ run_id: string }>;
      const perRun = await Promise.all(listed.map((run) => usageOfRun(harness, group.key, run.run_id)));
      expect(sumOf(perRun), `thread ${group.key}`).toEqual(withoutFlags(group));
      everyRun.push(...perRun);
    }
    expect(byThread.groups.map((group) => group.key)).toEqual(expect.arrayContaining(runs.map((run) => run.threadId)));
    expect(sumOf(everyRun)).toEqual(withoutFlags(byThread.totals));
    const byAgent = await usageReport(harness, '?group_by=agent');
    expect(byAgent.groups.map((group) => group.key)).toEqual(['executor', 'retriever', 'reviewer', 'supervisor']);
    expect(byAgent.totals.estimated).toBe(true);
    const today = new Date().toISOString().slice(0, 10);
    expect((await usageReport(harness, '?group_by=day')).groups.map((group) => group.key)).toEqual([today]);
    expect((await usageReport(harness, `?from=${today}&to=${today}`)).totals).toEqual(byAgent.totals);
    expect((await usageReport(harness, '?from=2000-01-01&to=2000-01-31')).totals.calls).toBe(0);
  });

  it('shows another tenant none of it, and refuses a caller without usage:read', async () => {
    const [run] = runs;
    const theirs = await usageReport(harness, '?group_by=thread', keys.globex);
    expect(theirs).toMatchObject({ totals: { calls: 0, input_tokens: 0, cost_usd: 0 }, groups: [] });
    expect((await request(harness, 'GET', `/threads/${run!.threadId}/runs/${run!.runId}`, keys.globex)).status).toBe(404);
    const refused = await request(harness, 'GET', '/usage', keys.metrics);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('"usage:read"');
  });

  it('refuses a malformed or reversed date range with 400', async () => {
    expect((await request(harness, 'GET', '/usage?from=yesterday', keys.usage)).status).toBe(400);
    expect((await request(harness, 'GET', '/usage?from=2026-05-02&to=2026-05-01', keys.usage)).status).toBe(400);
    expect((await request(harness, 'GET', '/usage?group_by=tenant', keys.usage)).status).toBe(400);
  });
});

describe('metrics with METRICS_PUBLIC=true', () => {
  it('answers a scraper without credentials', async () => {
    const harness = await createTestHarness({ API_KEYS: apiKeys, METRICS_PUBLIC: 'true' });
    try {
      const exposition = await scrape(harness);
      expect(exposition.has('overseer_run_queue_depth')).toBe(true);
      // Only /metrics opens up.
      expect((await request(harness, 'GET', '/usage')).status).toBe(401);
    } finally {
      await harness.close();
    }
  });
});

describe('usage on the openai provider, priced from MODEL_PRICES', () => {
  let model: OpenAICompatibleServer;
  let harness: TestHarness;
  // Whole dollars per million tokens: each call's cost is an exact number of nano-dollars.
  const prices = { router: { input: 1, output: 4 }, answerer: { input: 2, output: 8 }, executor: { input: 3, output: 12 }, reviewer: { input: 5, output: 20 } };
  beforeAll(async () => {
    model = await startOpenAICompatibleServer();
    harness = await createTestHarness({ ...openAIEnvironment(model), API_KEYS: apiKeys, MODEL_PRICES: JSON.stringify(prices) });
  });
  afterAll(async () => {
    await harness?.close();
    await model?.close();
  });

  it('records the provider\'s own token counts for every call, and prices them from the table', async () => {
    model.script('router', handoff('retriever', 'How long do I have to ask for a refund on a late order?'));
    // What the answer says does not matter here, only what each call reported; repeats are answered alike.
    model.otherwise('router', reply.text('You have 30 days from delivery to ask for a refund of a late order.'));
    model.otherwise('answerer', reply.text('Orders delivered late can be refunded in full within 30 days of delivery.'));
    const thread = (await (await request(harness, 'POST', '/threads', keys.admin, {})).json()) as { thread_id: string };
    const response = await request(harness, 'POST', `/threads/${thread.thread_id}/runs/stream`, keys.admin, {
      assistant_id: 'supervisor',
      input: userMessage('How many days do I have to ask for a refund when my order arrived late?'),
    });
    const events = parseSse(await response.text());
    const runId = (events[0]!.data as { run_id: string }).run_id;
    const served = model.requests.filter((recorded) => recorded.path === '/v1/chat/completions' && recorded.usage);
    expect(served.length).toBeGreaterThanOrEqual(3);
    const expected = { calls: served.length, input_tokens: 0, output_tokens: 0, nano: 0 };
    for (const recorded of served) {
      const price = prices[(recorded.body as { model: keyof typeof prices }).model];
      expected.input_tokens += recorded.usage!.prompt_tokens;
      expected.output_tokens += recorded.usage!.completion_tokens;
      expected.nano += (recorded.usage!.prompt_tokens * price.input + recorded.usage!.completion_tokens * price.output) * 1_000;
    }

    const usage = await usageOfRun(harness, thread.thread_id, runId);
    expect(usage).toEqual({
      calls: expected.calls,
      input_tokens: expected.input_tokens,
      output_tokens: expected.output_tokens,
      cached_tokens: 0,
      reasoning_tokens: 0,
      cost_usd: expected.nano / 1e9,
      estimated: false,
    });
    expect(events.at(-1)).toEqual({ id: expect.any(String), event: 'usage', data: { run_id: runId, ...usage } });
    const byModel = await usageReport(harness, '?group_by=model');
    expect(byModel.groups.map((group) => group.key)).toEqual(expect.arrayContaining(['answerer', 'router']));
    expect(byModel.totals).toEqual(usage);

    const metrics = await scrape(harness, keys.metrics);
    expect(metrics.value('overseer_model_tokens_total', { kind: 'input' })).toBe(expected.input_tokens);
    expect(metrics.value('overseer_model_tokens_total', { kind: 'output' })).toBe(expected.output_tokens);
    expect(metrics.value('overseer_model_cost_usd_total')).toBeCloseTo(expected.nano / 1e9, 12);
    expect(metrics.has('overseer_model_calls_total', { role: 'supervisor', model: 'router' })).toBe(true);
    expect(metrics.has('overseer_model_calls_total', { role: 'retriever', model: 'answerer' })).toBe(true);
  });

  it('records the cached and reasoning tokens a provider breaks out, and prices cached input at its own price', async () => {
    const cachedPrices = { ...prices, router: { input: 1, cached_input: 0.25, output: 4 } };
    await harness.close();
    harness = await createTestHarness({ ...openAIEnvironment(model), API_KEYS: apiKeys, MODEL_PRICES: JSON.stringify(cachedPrices) });
    const start = model.requests.length;
    model.script('router', handoff('retriever', 'How long do I have to ask for a refund on a late order?'));
    model.script('router', reply.text('You have 30 days from delivery to ask for a refund of a late order.', { usageDetails: { cachedTokens: 40, reasoningTokens: 7 } }));
    model.script('answerer', reply.text('Orders delivered late can be refunded in full within 30 days of delivery.'));
    const thread = (await (await request(harness, 'POST', '/threads', keys.admin, {})).json()) as { thread_id: string };
    const response = await request(harness, 'POST', `/threads/${thread.thread_id}/runs/wait`, keys.admin, {
      assistant_id: 'supervisor',
      input: userMessage('How many days do I have to ask for a refund when my order arrived late?'),
    });
    expect(response.status).toBe(200);

    const served = model.requests.slice(start).filter((recorded) => recorded.path === '/v1/chat/completions');
    const detailed = served.find((recorded) => recorded.usage && 'prompt_tokens_details' in recorded.usage)!;
    expect(detailed).toBeDefined();
    const report = await usageReport(harness, '?group_by=model');
    const router = report.groups.find((group) => group.key === 'router')!;
    expect(router.cached_tokens).toBe(40);
    expect(router.reasoning_tokens).toBe(7);
    // Cached input at its own price: (input - cached) * 1 + cached * 0.25 + output * 4, per million tokens.
    const routerCalls = served.filter((recorded) => (recorded.body as { model: string }).model === 'router');
    const nano = routerCalls.reduce((sum, recorded) => {
      const cached = recorded === detailed ? 40 : 0;
      return sum + ((recorded.usage!.prompt_tokens - cached) * 1 + cached * 0.25 + recorded.usage!.completion_tokens * 4) * 1_000;
    }, 0);
    expect(router.cost_usd).toBeCloseTo(nano / 1e9, 12);
    const metrics = await scrape(harness, keys.metrics);
    expect(metrics.value('overseer_model_tokens_total', { kind: 'cached' })).toBe(40);
    expect(metrics.value('overseer_model_tokens_total', { kind: 'reasoning' })).toBe(7);
  });
});
