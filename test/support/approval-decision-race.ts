import { expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from './test-services.ts';

/*
 * A decision on an approval and a new message on its thread, sent at once, many times: exactly
 * one wins. Either the decision is recorded and its run resumes the thread (the refund is made
 * once) and the message is refused (`reject`) or queued after it (`enqueue`), or the message
 * supersedes the approval and the decision answers 409 (no refund). Never both, never neither.
 */

const keys = {
  requester: 'race-requester-key-0123456789abcdef',
  approver: 'race-approver-key-0123456789abcdef',
  admin: 'race-admin-key-0123456789abcdef',
};
const apiKeys = JSON.stringify([
  { key: keys.requester, tenant: 'acme', scopes: ['runs:write', 'runs:read', 'threads:*', 'refunds:write', 'orders:read', 'approvals:write'], name: 'support-agent' },
  { key: keys.approver, tenant: 'acme', scopes: ['approvals:read', 'approvals:write'], name: 'support-manager' },
  { key: keys.admin, tenant: 'acme', scopes: ['*'], name: 'acme-admin' },
]);
const lateRefund = { messages: [{ role: 'user', content: 'Please refund order 1004 because it arrived late.' }] };
const question = { messages: [{ role: 'user', content: 'Never mind. How long do refunds take to arrive?' }] };

interface Sent {
  status: number;
  body: unknown;
}

/** Registers the race test on a service built from `environment` (SQLite by default, Redis with REDIS_URL). */
export function itDecidesApprovalRacesOneWay(environment: Record<string, string>, iterations: number) {
  it(`lets exactly one of a decision and a new message win, ${iterations} times`, async () => {
    const harness: TestHarness = await createTestHarness({ API_KEYS: apiKeys, ...environment });
    const call = async (method: string, route: string, key: string, body?: unknown): Promise<Sent> => {
      const response = await harness.app.request(route, {
        method,
        headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    };
    const outcomes = { decision: 0, message: 0 };
    try {
      for (let iteration = 0; iteration < iterations; iteration += 1) {
        // Each round asks for the same refund afresh.
        harness.services.database.prepare('DELETE FROM refunds WHERE order_id = 1004').run();
        const thread = (await call('POST', '/threads', keys.requester, {})).body as { thread_id: string };
        const threadId = thread.thread_id;
        const paused = await call('POST', `/threads/${threadId}/runs/wait`, keys.requester, { assistant_id: 'supervisor', input: lateRefund });
        const approvalId = (paused.body as { __interrupt__?: Array<{ value: { approvalId: string } }> }).__interrupt__?.[0]?.value.approvalId;
        expect(approvalId).toBeDefined();

        // Both ways to decide, both strategies of the message.
        const byResume = iteration % 2 === 1;
        const strategy = iteration % 4 < 2 ? 'reject' : 'enqueue';
        // Which goes first, and by how many turns of the event loop, varies: every interleaving gets its chance.
        const lead = iteration % 8;
        const decide = byResume
          ? call('POST', `/threads/${threadId}/runs`, keys.requester, { assistant_id: 'supervisor', command: { resume: { decisions: [{ type: 'approve' }] } }, multitask_strategy: 'enqueue' })
          : call('POST', `/approvals/${approvalId}`, keys.approver, { decision: 'approve' });
        const message = (async () => {
          for (let turn = 0; turn < lead; turn += 1) await new Promise((resolve) => setImmediate(resolve));
          return call('POST', `/threads/${threadId}/runs`, keys.requester, { assistant_id: 'supervisor', input: question, multitask_strategy: strategy });
        })();
        const [decision, sent] = await Promise.all([decide, message]);

        // Let every run the thread accepted finish.
        const runs = (await call('GET', `/threads/${threadId}/runs?limit=100`, keys.admin)).body as Array<{ run_id: string }>;
        for (const run of runs) await call('GET', `/threads/${threadId}/runs/${run.run_id}/join`, keys.admin);
        const approval = (await call('GET', `/approvals/${approvalId}`, keys.admin)).body as { status: string };
        const audit = (await call('GET', `/audit?thread_id=${threadId}&limit=1000`, keys.admin)).body as Array<{ type: string; data: { tool?: string } }>;
        const refunds = audit.filter((record) => record.type === 'tool.executed' && record.data.tool === 'issue_refund').length;
        const round = { iteration, byResume, strategy, decision: decision.status, message: sent.status, approval: approval.status, refunds };

        if (decision.status === 200) {
          outcomes.decision += 1;
          expect(round).toMatchObject({ approval: 'approved', refunds: 1, message: strategy === 'reject' ? 409 : 200 });
        } else {
          outcomes.message += 1;
          expect(round).toMatchObject({ decision: 409, message: 200, approval: 'superseded', refunds: 0 });
          expect((decision.body as { error: { code: string } }).error.code).toBe('CONFLICT');
        }
      }
    } finally {
      await harness.close();
    }
    // Which side wins is the race's to say; that each round had one winner is the point.
    if (process.env.RACE_DEBUG) console.log(outcomes);
    expect(outcomes.decision + outcomes.message).toBe(iterations);
  }, 240_000);
}
