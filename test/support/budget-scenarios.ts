import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineModels, ScriptedChatModel } from '../../src/agents/index.ts';
import { deriveIdempotencyKey } from '../../src/tools/index.ts';
import { handoff as wireHandoff, openAIEnvironment } from './openai-scenarios.ts';
import { parsePrometheus } from './parse-prometheus.ts';
import { reply, startOpenAICompatibleServer, type OpenAICompatibleServer } from './openai-compatible-server.ts';
import { createTestHarness, refundsOf, userMessage, type TestHarness } from './test-services.ts';

/*
 * Budgets through the real Hono app, on whichever usage store the environment picks (SQLite, or
 * Redis with REDIS_URL): the executor's reply that proposes the refund carries a long text (as a
 * verbose model's does), about 30,000 tokens, so the budget runs out right after it, at a known
 * point and without guessing token counts. On the scripted models the counts are estimates
 * (characters / 4); on the OpenAI-compatible stand-in they are the provider's own (one per word).
 */

const key = 'acme-admin-key-0123456789abcdef';
const apiKeys = JSON.stringify([{ key, tenant: 'acme', scopes: ['*'], name: 'acme-admin' }]);
const padding = 'Considering the order history, the shipment records and the policy in detail. '.repeat(1_600);

interface FinalState {
  __interrupt__?: Array<{ value: { approvalId: string } }>;
  steps: Array<{ specialist: string; outcome: string; actions: Array<{ tool: string; status: string }> }>;
  result: { status: string; answer: string; reason?: string; error?: { code: string; message: string } };
}

type Provider = 'scripted' | 'openai';

interface Service {
  harness: TestHarness;
  /** Calls each role's model was asked (scripted: its script position; openai: requests to its model name). */
  calls(role: 'supervisor' | 'executor'): number;
}

function request(harness: TestHarness, method: string, path: string, body?: unknown) {
  return harness.app.request(path, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function newThread(harness: TestHarness): Promise<string> {
  return ((await (await request(harness, 'POST', '/threads', {})).json()) as { thread_id: string }).thread_id;
}

async function runToEnd(harness: TestHarness, threadId: string, content: string) {
  const response = await request(harness, 'POST', `/threads/${threadId}/runs/wait`, { assistant_id: 'supervisor', input: userMessage(content) });
  expect(response.status).toBe(200);
  return (await response.json()) as FinalState;
}

interface BudgetRecord {
  runId?: string;
  threadId?: string;
  actor: string;
  data: { outcome: string; graph: string; budget: string; scope: string; measure: string; limit: number; used: number; next: number; resetsAt?: string };
}

/** The tenant's `budget.exhausted` audit records (through `GET /audit`), after its whole chain is verified. */
async function budgetRecords(harness: TestHarness): Promise<BudgetRecord[]> {
  const verified = (await (await request(harness, 'GET', '/audit/verify')).json()) as { ok: boolean; problems: unknown[] };
  expect(verified).toMatchObject({ ok: true, problems: [] });
  const response = await request(harness, 'GET', '/audit?action=budget.exhausted');
  expect(response.status).toBe(200);
  return (await response.json()) as BudgetRecord[];
}

/** `overseer_budget_exhausted_total` from `GET /metrics`, by its labels. */
async function budgetStops(harness: TestHarness): Promise<Record<string, number>> {
  const exposition = parsePrometheus(await (await request(harness, 'GET', '/metrics')).text());
  return Object.fromEntries(exposition.samples
    .filter((sample) => sample.name === 'overseer_budget_exhausted_total')
    .map(({ labels, value }) => [`${labels.graph} ${labels.scope} ${labels.measure} ${labels.outcome}`, value]));
}

/** The refund the executor proposes, with the id its effect is keyed by. */
const refundCall = (orderId: number, amountCents: number) => ({
  id: `call_refund_${orderId}`,
  name: 'issue_refund',
  args: { orderId, amountCents, reason: 'late_delivery', note: 'Arrived late' },
});

/**
 * The budget suite on one storage backend: a run stopped by its budget right after its refund
 * (partial, exactly that refund in the ledger and the orders), a run refused before its first
 * model call, and a tenant over its daily budget (429 until its UTC day is over, an approved
 * refund still paid once, its resumed run ending partial).
 */
export function describeBudgets(title: string, storage: () => Record<string, string>): void {
  for (const provider of ['scripted', 'openai'] as Provider[]) {
    describe(`${title}, on ${provider === 'scripted' ? 'scripted models' : 'the openai provider (OpenAI-compatible stand-in)'}`, () => {
      let harness: TestHarness | undefined;
      let model: OpenAICompatibleServer | undefined;
      let now = new Date('2026-04-01T20:00:00.000Z');
      afterEach(async () => {
        await harness?.close();
        harness = undefined;
        await model?.close();
        model = undefined;
      });

      /** Router: hand the refund to the executor, then answer; executor: look the order up, propose the refund with a long text, then report. */
      async function start(environment: Record<string, string>, orderId: number, amountCents: number): Promise<Service> {
        now = new Date('2026-04-01T20:00:00.000Z');
        const task = `Refund order ${orderId} in full because it arrived late`;
        const accountingClock = () => now;
        if (provider === 'scripted') {
          const supervisor = new ScriptedChatModel([
            { toolCalls: [{ name: 'handoff_to_executor', args: { task, acceptanceCriteria: ['Be correct'], context: '' } }] },
            { content: `Order ${orderId} was refunded.` },
          ], { whenExhausted: 'repeat-last' });
          const executor = new ScriptedChatModel([
            { toolCalls: [{ id: `call_sla_${orderId}`, name: 'check_shipment_sla', args: { orderId } }] },
            { content: padding, toolCalls: [refundCall(orderId, amountCents)] },
            { content: `Refunded order ${orderId}.` },
          ]);
          harness = await createTestHarness(
            { API_KEYS: apiKeys, ...storage(), ...environment },
            { models: { ...createOfflineModels(), supervisor, executor }, accountingClock },
          );
          return { harness, calls: (role) => (role === 'supervisor' ? supervisor : executor).calls.length };
        }
        model = await startOpenAICompatibleServer();
        model.script('router', wireHandoff('executor', task));
        model.otherwise('router', reply.text(`Order ${orderId} was refunded.`));
        const { id, name, args } = refundCall(orderId, amountCents);
        model.script('executor', reply.toolCall('check_shipment_sla', { orderId }, `call_sla_${orderId}`), reply.toolCalls([{ id, name, arguments: args }], padding));
        model.otherwise('executor', reply.text(`Refunded order ${orderId}.`));
        model.otherwise('reviewer', reply.toolCall('submit_verdict', { verdict: 'accept', reasons: ['Backed by the policy rules'] }));
        harness = await createTestHarness({ ...openAIEnvironment(model), API_KEYS: apiKeys, ...storage(), ...environment }, { accountingClock });
        const stand = model;
        return { harness, calls: (role) => stand.chatRequests(role === 'supervisor' ? 'router' : 'executor').length };
      }

      async function effectOf(service: Service, threadId: string, orderId: number) {
        return service.harness.services.effects.get(deriveIdempotencyKey({ tenantId: 'acme', threadId, toolCallId: `call_refund_${orderId}` }));
      }

      it('ends a run that would pass its token budget as partial right after its refund: the refund done once, no further model call', async () => {
        const service = await start({ BUDGET_RUN_TOKENS: '20000' }, 1001, 12_999);
        const threadId = await newThread(service.harness);
        const state = await runToEnd(service.harness, threadId, 'Please refund order 1001, it arrived late.');

        expect(state.result.status).toBe('partial');
        expect(state.result.reason).toMatch(/^budget exhausted: the run's token budget of 20000 tokens/);
        expect(state.result.error?.code).toBe('BUDGET_EXHAUSTED');
        expect(state.result.answer).toMatch(/Already done: issue_refund .*"orderId":1001.*\(done\)/);
        // Exactly the completed effect: one refund row, its ledger entry done, executed once.
        expect(refundsOf(service.harness.services, 1001).map((row) => row.amount_cents)).toEqual([12_999]);
        expect((await effectOf(service, threadId, 1001))?.status).toBe('done');
        const audit = await service.harness.services.audit.query({ tenantId: 'acme', threadId });
        expect(audit.filter((record) => record.type === 'tool.executed' && (record.data as { tool?: string }).tool === 'issue_refund')).toHaveLength(1);
        // The executor's report came back, and neither model was asked again.
        expect(state.steps.map((step) => `${step.specialist}:${step.outcome}`)).toEqual(['executor:failed']);
        expect(service.calls('executor')).toBe(2);
        expect(service.calls('supervisor')).toBe(1);
        // The last call passed the budget (checks come before calls); the run's usage shows by how much.
        const [listed] = (await (await request(service.harness, 'GET', `/threads/${threadId}/runs`)).json()) as Array<{ run_id: string }>;
        const run = (await (await request(service.harness, 'GET', `/threads/${threadId}/runs/${listed!.run_id}`)).json()) as { usage: { input_tokens: number; output_tokens: number } };
        expect(run.usage.input_tokens + run.usage.output_tokens).toBeGreaterThan(20_000);
        // The stop is audited once, with what was used (the run's whole usage: nothing was asked after it), and counted.
        const [stop, ...more] = await budgetRecords(service.harness);
        expect(more).toEqual([]);
        expect(stop).toMatchObject({
          runId: listed!.run_id, threadId, actor: 'system',
          data: { outcome: 'stopped', graph: 'supervisor', budget: 'run_tokens', scope: 'run', measure: 'tokens', limit: 20_000, used: run.usage.input_tokens + run.usage.output_tokens },
        });
        expect(stop!.data.next).toBeGreaterThan(0);
        expect(await budgetStops(service.harness)).toEqual({ 'supervisor run tokens stopped': 1 });
      }, 60_000);

      if (provider === 'openai') {
        it('stops at a cost budget too, priced from MODEL_PRICES on the provider\'s own counts', async () => {
          const perToken = { input: 1, output: 1 };
          const service = await start({ BUDGET_RUN_COST_USD: '0.02', MODEL_PRICES: JSON.stringify({ router: perToken, executor: perToken, reviewer: perToken }) }, 1001, 12_999);
          const threadId = await newThread(service.harness);
          const state = await runToEnd(service.harness, threadId, 'Please refund order 1001, it arrived late.');
          expect(state.result.status).toBe('partial');
          expect(state.result.reason).toMatch(/^budget exhausted: the run's cost budget of \$0\.02 \(\$0\.0\d+ used/);
          expect(refundsOf(service.harness.services, 1001)).toHaveLength(1);
          expect(service.calls('executor')).toBe(2);
          const [stop, ...more] = await budgetRecords(service.harness);
          expect(more).toEqual([]);
          expect(stop).toMatchObject({ threadId, data: { outcome: 'stopped', budget: 'run_cost_usd', scope: 'run', measure: 'cost_usd', limit: 0.02 } });
          expect(stop!.data.used).toBeGreaterThan(0.02);
          expect(await budgetStops(service.harness)).toEqual({ 'supervisor run cost_usd stopped': 1 });
        }, 60_000);
      }

      it('refuses a run whose first model call would pass its budget: partial, nothing asked, nothing done (a tenant override)', async () => {
        const service = await start({ BUDGET_RUN_TOKENS: '1000000', BUDGET_TENANTS: JSON.stringify({ acme: { run_tokens: 50 } }) }, 1001, 12_999);
        const threadId = await newThread(service.harness);
        const state = await runToEnd(service.harness, threadId, 'Please refund order 1001, it arrived late.');
        expect(state.result.status).toBe('partial');
        expect(state.result.reason).toMatch(/^budget exhausted: the run's token budget of 50 tokens \(0 tokens used, about \d+ tokens more for the next model call\)/);
        expect(state.result.answer).toMatch(/Nothing was done/);
        expect(service.calls('supervisor')).toBe(0);
        expect(refundsOf(service.harness.services, 1001)).toHaveLength(0);
        expect(await effectOf(service, threadId, 1001)).toBeUndefined();
        const [stop, ...more] = await budgetRecords(service.harness);
        expect(more).toEqual([]);
        expect(stop).toMatchObject({ threadId, actor: 'system', data: { outcome: 'stopped', budget: 'run_tokens', scope: 'run', measure: 'tokens', limit: 50, used: 0 } });
        expect(state.result.reason).toContain(`about ${stop!.data.next} tokens more`);
        expect(await budgetStops(service.harness)).toEqual({ 'supervisor run tokens stopped': 1 });
      }, 60_000);

      it('answers 429 BUDGET_EXHAUSTED to a tenant over its daily budget until the UTC day is over, while an approved refund is still paid once', async () => {
        const service = await start({ BUDGET_TENANT_DAILY_TOKENS: '20000' }, 1004, 84_200);
        const threadId = await newThread(service.harness);
        // $842 needs a person: the run stops at the approval, having spent the day's budget on the way.
        const paused = await runToEnd(service.harness, threadId, 'Please refund order 1004, it arrived late.');
        const approvalId = paused.__interrupt__?.[0]?.value.approvalId;
        expect(approvalId).toBeDefined();
        expect(refundsOf(service.harness.services, 1004)).toHaveLength(0);

        expect(await budgetRecords(service.harness)).toEqual([]);
        const refusedThread = await newThread(service.harness);
        const refused = await request(service.harness, 'POST', `/threads/${refusedThread}/runs`, { assistant_id: 'supervisor', input: userMessage('Where is order 1002?') });
        expect(refused.status).toBe(429);
        // 20:00 UTC: four hours to the next window.
        expect(refused.headers.get('retry-after')).toBe('14400');
        const body = (await refused.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('BUDGET_EXHAUSTED');
        expect(body.error.message).toMatch(/^budget exhausted: the tenant's daily token budget of 20000 tokens \(\d+ tokens used\); it resets at 2026-04-02T00:00:00.000Z/);
        // The refusal is audited with the caller and the thread it asked on (no run was made), and counted.
        const [refusal, ...others] = await budgetRecords(service.harness);
        expect(others).toEqual([]);
        expect(refusal!.runId).toBeUndefined();
        expect(refusal).toMatchObject({
          threadId: refusedThread, actor: 'acme-admin',
          data: { outcome: 'refused', graph: 'supervisor', budget: 'daily_tokens', scope: 'tenant_daily', measure: 'tokens', limit: 20_000, used: Number(body.error.message.match(/\((\d+) tokens used\)/)?.[1]), next: 0, resetsAt: '2026-04-02T00:00:00.000Z' },
        });
        expect(await budgetStops(service.harness)).toEqual({ 'supervisor tenant_daily tokens refused': 1 });

        // The approval is honoured: its resume is no new work, and its dispatch completes before the budget stops the run.
        const decided = await request(service.harness, 'POST', `/approvals/${approvalId}`, { decision: 'approve' });
        expect(decided.status).toBe(200);
        const resumed = ((await decided.json()) as { run: { run_id: string } }).run;
        const joined = await request(service.harness, 'GET', `/threads/${threadId}/runs/${resumed.run_id}/join`);
        expect(joined.status).toBe(200);
        const state = (await joined.json()) as FinalState;
        expect(state.result.status).toBe('partial');
        expect(state.result.reason).toMatch(/^budget exhausted: the tenant's daily token budget of 20000 tokens/);
        expect(state.result.answer).toMatch(/Already done: issue_refund .*"orderId":1004/);
        expect(refundsOf(service.harness.services, 1004).map((row) => row.amount_cents)).toEqual([84_200]);
        expect((await effectOf(service, threadId, 1004))?.status).toBe('done');
        expect(service.calls('executor')).toBe(2);
        expect(service.calls('supervisor')).toBe(1);
        // The resumed run's stop is the second record: by the tenant's day, on that run.
        const [, resumedStop, ...rest] = await budgetRecords(service.harness);
        expect(rest).toEqual([]);
        expect(resumedStop).toMatchObject({ runId: resumed.run_id, threadId, actor: 'system', data: { outcome: 'stopped', budget: 'daily_tokens', scope: 'tenant_daily', measure: 'tokens', limit: 20_000 } });
        expect(await budgetStops(service.harness)).toEqual({ 'supervisor tenant_daily tokens refused': 1, 'supervisor tenant_daily tokens stopped': 1 });

        // A new UTC day: the tenant's runs are accepted again.
        now = new Date('2026-04-02T00:00:01.000Z');
        const accepted = await request(service.harness, 'POST', `/threads/${await newThread(service.harness)}/runs`, { assistant_id: 'supervisor', input: userMessage('Where is order 1002?') });
        expect(accepted.status).toBe(200);
        const run = (await accepted.json()) as { run_id: string; thread_id: string };
        expect((await request(service.harness, 'GET', `/threads/${run.thread_id}/runs/${run.run_id}/join`)).status).toBe(200);
      }, 60_000);
    });
  }
}
