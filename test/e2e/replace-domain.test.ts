import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, userMessage, type TestHarness } from '../support/test-services.ts';

interface FinalState {
  messages: Array<{ type: string; content: string }>;
  steps: Array<{ specialist: string; citations: Array<{ documentId: string }>; actions: Array<{ tool: string; status: string }> }>;
  result?: { status: string; answer: string };
  __interrupt__?: Array<{ value: { approvalId: string; action_requests: Array<{ name: string; args: Record<string, unknown> }> } }>;
}

/** The sample retailer replaced by another domain through `DOMAIN` alone: its tools, rules and knowledge base, none of Brightcart's. */
describe('a service whose DOMAIN is not the sample retailer', () => {
  let harness: TestHarness;
  // On a thread of its own each time: an action that waits for approval needs one.
  const ask = async (content: string) => {
    const thread = await (await harness.post('/threads', {})).json() as { thread_id: string };
    const response = await harness.post(`/threads/${thread.thread_id}/runs/wait`, { assistant_id: 'supervisor', input: userMessage(content) });
    expect(response.status).toBe(200);
    return { threadId: thread.thread_id, ...await response.json() as FinalState };
  };
  const resets = () => harness.services.database.prepare('SELECT account FROM password_resets').all();

  beforeAll(async () => {
    harness = await createTestHarness({ DOMAIN: 'test/fixtures/help-desk-domain/index.ts' });
  });
  afterAll(async () => harness.close());

  it('registers only that domain\'s tools and knowledge base', async () => {
    expect(harness.services.domain.name).toBe('help-desk');
    expect(harness.services.tools.list().map((tool) => tool.name)).toEqual(['reset_password']);
    const search = await harness.post('/search', { query: 'refund late delivery' });
    const hits = search.ok ? (await search.json() as { results?: Array<{ documentId: string }> }).results ?? [] : [];
    expect(hits.map((hit) => hit.documentId)).not.toContain('refund-policy');
  });

  it('answers from its own knowledge base, with a citation', async () => {
    const state = await ask('How long is the one-time link valid after a password reset?');
    expect(state.messages.at(-1)!.content).toMatch(/24 hours/);
    expect(state.messages.at(-1)!.content).toMatch(/\[password-resets#\d+\]/);
  });

  it('holds its action for a person by its own approval rule, does it once approved, and never offers the retailer\'s', async () => {
    const state = await ask('Please reset the password for user alice.');
    const interrupt = state.__interrupt__?.[0]?.value;
    expect(interrupt?.action_requests[0]).toMatchObject({ name: 'reset_password', args: { account: 'alice' } });
    expect(resets()).toEqual([]);
    const decided = await harness.post(`/approvals/${interrupt!.approvalId}`, { decision: 'approve', resume: false });
    expect(decided.status).toBe(200);
    const resumed = await harness.post(`/threads/${state.threadId}/runs/wait`, { assistant_id: 'supervisor', command: { resume: { approvalId: interrupt!.approvalId } } });
    expect(((await resumed.json()) as FinalState).messages.at(-1)!.content).toMatch(/password of alice was reset/);
    expect(resets()).toEqual([{ account: 'alice' }]);
    const refund = await ask('Please refund order 1002 in full.');
    expect(refund.steps.flatMap((step) => step.actions).map((action) => action.tool)).not.toContain('issue_refund');
  });
});
