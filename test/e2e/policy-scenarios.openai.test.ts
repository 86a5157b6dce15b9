import { afterAll, afterEach, expect, it } from 'vitest';
import { describeOnEachProvider } from '../support/each-model-provider.ts';
import { policyCases, type PolicyCase } from '../support/policy-scenario-cases.ts';
import { createTestHarness, refundsOf, userMessage, type TestHarness } from '../support/test-services.ts';

/**
 * The policy scenarios as a table, run on the offline model and on the `openai` provider, where
 * every model call goes through @langchain/openai to the OpenAI-compatible stand-in playing a
 * competent model: the supervisor rewords its handoffs, the executor reads in parallel and picks
 * the refund reason from the tool's own list. The outcome must not depend on the model: the
 * policy rules decide on the order records.
 */
interface Values {
  __interrupt__?: Array<{ value: { approvalId: string; tool: string; policy: string; reason: string; args: Record<string, unknown>; review?: { verdict: string; facts: Record<string, unknown> } } }>;
  messages: Array<{ type: string; content: string }>;
  steps: Array<{ specialist: string; actions: Array<{ tool: string; status: string; args: Record<string, unknown>; message?: string }> }>;
}

// Internal details a customer must never read.
const internal = /\bcents\b|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z]+[A-Z][A-Za-z]*\b|\{"/;
// A refusal rests on policy: a passage quoted, or cited by its label.
const restsOnPolicy = /"[^"]{20,}"|\[[\w-]+#\d+\]/;

describeOnEachProvider('policy scenarios', (provider) => {
  // One service per clock: the cases of one moment share it, as the orders they touch differ.
  const harnesses = new Map<string, Promise<TestHarness>>();
  const serviceAt = (moment = '') => {
    if (!harnesses.has(moment)) {
      harnesses.set(moment, createTestHarness(provider.environment(), moment ? { clock: () => new Date(moment) } : {}));
    }
    return harnesses.get(moment)!;
  };
  afterEach(() => provider.verify());
  afterAll(async () => {
    for (const harness of harnesses.values()) await (await harness).close();
  });

  async function propose(harness: TestHarness, call: string) {
    const response = await harness.post('/runs/wait', { assistant_id: 'executor', input: { task: call } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { actions: Array<{ tool: string; status: string; message?: string }> }).actions.at(-1)!;
  }

  async function ask(harness: TestHarness, content: string) {
    const thread = (await (await harness.post('/threads', {})).json()) as { thread_id: string };
    const response = await harness.post(`/threads/${thread.thread_id}/runs/wait`, { assistant_id: 'supervisor', input: userMessage(content) });
    expect(response.status).toBe(200);
    const values = (await response.json()) as Values;
    return { threadId: thread.thread_id, values, answer: values.__interrupt__?.length ? '' : values.messages.at(-1)!.content };
  }

  const expectText = (text: string, patterns: Array<RegExp | string> = []) => {
    for (const pattern of patterns) {
      if (typeof pattern === 'string') expect(text).toContain(pattern);
      else expect(text).toMatch(pattern);
    }
  };

  async function expectRecords(harness: TestHarness, expected: PolicyCase['expected']) {
    for (const [orderId, amounts] of Object.entries(expected.refunds ?? {})) {
      expect(refundsOf(harness.services, Number(orderId)).map((row) => row.amount_cents), `refunds of order ${orderId}`).toEqual(amounts);
    }
    for (const [orderId, amounts] of Object.entries(expected.credits ?? {})) {
      const rows = harness.services.database.prepare('SELECT amount_cents FROM credit_memos WHERE order_id = ?').all(Number(orderId)) as Array<{ amount_cents: number }>;
      expect(rows.map((row) => row.amount_cents), `credit memos of order ${orderId}`).toEqual(amounts);
    }
    for (const [orderId, status] of Object.entries(expected.orderStatus ?? {})) {
      expect(harness.services.database.prepare('SELECT status FROM orders WHERE id = ?').get(Number(orderId))).toEqual({ status });
    }
  }

  for (const scenario of policyCases) {
    it(scenario.name, async () => {
      const harness = await serviceAt(scenario.at);
      const { expected } = scenario;
      for (const step of scenario.before ?? []) {
        const action = await propose(harness, step.propose);
        expect(action.status).toBe(step.status);
        if (step.message) expect(action.message).toMatch(step.message);
      }
      if (scenario.propose) {
        const action = await propose(harness, scenario.propose);
        expect(action.status).toBe(expected.action!.status);
        expectText(action.message ?? '', expected.action!.message);
      }
      if (scenario.request) {
        const { values, answer, threadId } = await ask(harness, scenario.request);
        const approval = values.__interrupt__?.[0]?.value;
        if (expected.approval) {
          expect(approval).toMatchObject({ policy: expected.approval.policy, ...(expected.approval.args ? { args: expected.approval.args } : {}) });
          if (expected.approval.reason) expect(approval!.reason).toMatch(expected.approval.reason);
          if (expected.approval.review) expect(approval!.review).toMatchObject(expected.approval.review);
        } else {
          expect(approval, 'no approval asked').toBeUndefined();
          expect(answer, 'customer-ready text').not.toMatch(internal);
          expectText(answer, expected.answer);
          for (const pattern of expected.notInAnswer ?? []) expect(answer).not.toMatch(pattern);
          if (expected.refusal) expect(answer).toMatch(restsOnPolicy);
        }
        if (expected.proposals) {
          const actions = values.steps.find((step) => step.specialist === 'executor')!.actions.filter((action) => action.tool === expected.proposals!.tool);
          expect(actions.map((action) => [action.args.amountCents, action.status])).toEqual(expected.proposals.calls);
        }
        if (expected.audit) {
          const records = (await (await harness.app.request(`/audit?thread_id=${threadId}&limit=500`)).json()) as Array<{ type: string; data: Record<string, unknown> }>;
          const types = new Set(expected.audit.map((entry) => entry.type));
          expect(records.filter((record) => types.has(record.type))).toMatchObject(expected.audit);
        }
        // Nothing waits for approval that the case did not expect.
        if (!expected.approval) expect((await harness.services.approvals.listPending('default')).filter((request) => request.threadId === threadId)).toEqual([]);
      }
      await expectRecords(harness, expected);
    });
  }
});
