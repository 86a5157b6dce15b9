import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanRequests, startPolicyFollowingModel, type PolicyFollowingServer } from '../support/openai-scenarios.ts';
import { createTestHarness, parseSse, refundsOf, userMessage, type TestHarness } from '../support/test-services.ts';

interface FinalState {
  messages: Array<{ type: string; content: string }>;
  steps: Array<{ specialist: string; outcome: string; citations: Array<{ documentId: string }>; actions: Array<{ tool: string; status: string }> }>;
  result: { status: string; answer: string; reason?: string };
}

/** Requests whose outcome is the same whichever model serves them: run on the offline model and on the openai provider. */
const anyModel = {
  policyQuestion: {
    request: 'How many days do I have to ask for a refund when my order arrived late?',
    expectOutcome(state: FinalState) {
      expect(state.result.status).toBe('complete');
      const retrieval = state.steps.find((step) => step.specialist === 'retriever');
      expect(retrieval?.outcome).toBe('answered');
      expect(retrieval?.citations.map((citation) => citation.documentId)).toContain('refund-policy');
      const answer = state.messages.at(-1)!;
      expect(answer.type).toBe('ai');
      expect(answer.content).toMatch(/\[refund-policy#\d+\]/);
      expect(answer.content).toMatch(/30 days/);
    },
  },
  outsideKnowledge: {
    request: 'What is the capital of France?',
    expectOutcome(state: FinalState) {
      expect(state.result.status).toBe('complete');
      // Nothing was answered from passages, and the customer is told so.
      expect(state.steps.filter((step) => step.outcome === 'answered')).toEqual([]);
      expect(state.steps.flatMap((step) => step.citations)).toEqual([]);
      expect(state.messages.at(-1)!.content).toMatch(/knowledge base does not cover (this|that)/);
      expect(state.messages.at(-1)!.content).not.toMatch(/\[[\w-]+#\d+\]|Paris/);
    },
  },
};

/** A stateless run of the supervisor to its end, through the HTTP app. */
async function runToEnd(harness: TestHarness, content: string): Promise<FinalState> {
  const response = await harness.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage(content) });
  expect(response.status).toBe(200);
  return (await response.json()) as FinalState;
}

describe('supervisor over HTTP with the offline model', () => {
  let harness: TestHarness;
  beforeAll(async () => {
    harness = await createTestHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  const wait = (content: string) => runToEnd(harness, content);

  it('answers a policy question with citations from the knowledge base', async () => {
    anyModel.policyQuestion.expectOutcome(await wait(anyModel.policyQuestion.request));
  });

  it('refunds a late order once, going retriever → executor → reviewer', async () => {
    expect(refundsOf(harness.services, 1001)).toHaveLength(0);
    const state = await wait('Please refund order 1001 because it arrived late.');
    expect(state.steps.map((step) => step.specialist)).toEqual(['retriever', 'executor', 'reviewer']);
    const execution = state.steps[1]!;
    expect(execution.actions.map((action) => action.tool)).toEqual(['check_shipment_sla', 'lookup_order', 'issue_refund']);
    expect(execution.actions.every((action) => action.status === 'ok')).toBe(true);
    expect(state.steps[2]!.outcome).toBe('accepted');
    const refunds = refundsOf(harness.services, 1001);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.amount_cents).toBe(12_999);
    expect(state.result.answer).toMatch(/We refunded \$129\.99 on order 1001 to your card; it takes 5–10 business days/);

    const again = await wait('Please refund order 1001 because it arrived late.');
    expect(refundsOf(harness.services, 1001)).toHaveLength(1);
    expect(again.result.answer).toMatch(/nothing left to refund/);
  });

  it('runs the sample domain as of its seed date by default, so the README example refunds', async () => {
    const fresh = await createTestHarness({}, { clock: undefined });
    try {
      await fresh.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage('Please refund order 1001 because it arrived late.') });
      expect(refundsOf(fresh.services, 1001)).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });

  it('declines a late-delivery refund requested after the 30-day window', async () => {
    const later = await createTestHarness({}, { clock: () => new Date('2026-11-25T12:00:00Z') });
    try {
      const response = await later.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage('Please refund order 1001 because it arrived late.') });
      const state = (await response.json()) as FinalState;
      expect(refundsOf(later.services, 1001)).toHaveLength(0);
      expect(state.result.answer).toMatch(/more than 30 days ago/);
    } finally {
      await later.close();
    }
  });

  it('declines a late-delivery refund for an order that arrived on time', async () => {
    const state = await wait('Refund order 1002 because it arrived late.');
    expect(refundsOf(harness.services, 1002)).toHaveLength(0);
    expect(state.result.answer).toMatch(/not delivered late/);
  });

  it('says honestly when the knowledge base does not cover a question, judged by retrieval score', async () => {
    const state = (await wait(anyModel.outsideKnowledge.request)) as FinalState & { coverage: { topScore: number } };
    anyModel.outsideKnowledge.expectOutcome(state);
    // The retrieval probe found nothing relevant, so no specialist was needed to say so.
    expect(state.coverage.topScore).toBeLessThan(0.3);
    expect(state.steps).toEqual([]);
    expect(state.result.status).toBe('complete');
    expect(state.messages.at(-1)!.content).toMatch(/knowledge base does not cover this/);
  });

  it('still routes a covered question to the retriever, with the probe\'s score', async () => {
    const state = (await wait('Do you ship to Canada?')) as FinalState & { coverage: { topScore: number; documents: string[] } };
    expect(state.coverage.topScore).toBeGreaterThanOrEqual(0.3);
    expect(state.coverage.documents).toContain('international-shipping');
    expect(state.steps[0]!.specialist).toBe('retriever');
  });

  it('streams metadata first, then updates, message tokens and values', async () => {
    const response = await harness.post('/runs/stream', {
      assistant_id: 'supervisor',
      input: userMessage('What is the warranty on electronics?'),
      stream_mode: ['values', 'updates', 'messages-tuple'],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    const events = parseSse(await response.text());
    expect(events[0]!.event).toBe('metadata');
    const names = new Set(events.map((event) => event.event));
    // `usage` (tokens and cost of the run) comes last, before the stream ends.
    expect(names).toEqual(new Set(['metadata', 'values', 'updates', 'messages', 'usage']));
    const ids = events.map((event) => Number(event.id));
    expect(ids).toEqual([...ids].sort((left, right) => left - right));
    const finalValues = events.findLast((event) => event.event === 'values')!.data as FinalState;
    expect(finalValues.messages.at(-1)!.content).toMatch(/24 months/);
  });

  it('streams partial and complete messages in the legacy messages mode', async () => {
    const response = await harness.post('/runs/stream', {
      assistant_id: 'supervisor',
      input: userMessage('How long is the warranty on electronics?'),
      stream_mode: 'messages',
    });
    const events = parseSse(await response.text());
    const names = events.map((event) => event.event);
    expect(names).toContain('messages/metadata');
    expect(names).toContain('messages/partial');
    const complete = events.filter((event) => event.event === 'messages/complete').flatMap((event) => event.data as Array<{ type: string; content: string }>);
    expect(complete.map((message) => message.type)).toEqual(['human', 'ai']);
    expect(complete[1]!.content).toMatch(/24 months/);
  });

  it('streams LangChain events next to graph chunks in events mode', async () => {
    const response = await harness.post('/runs/stream', {
      assistant_id: 'supervisor',
      input: userMessage('What is the warranty on electronics?'),
      stream_mode: ['values', 'events'],
    });
    const events = parseSse(await response.text());
    expect(events.some((event) => event.event === 'values')).toBe(true);
    const kinds = new Set(events.filter((event) => event.event === 'events').map((event) => (event.data as { event: string }).event));
    expect([...kinds]).toEqual(expect.arrayContaining(['on_chain_start', 'on_chat_model_stream', 'on_chain_end']));
  });

  it('streams subgraph events under their namespace when asked', async () => {
    const response = await harness.post('/runs/stream', {
      assistant_id: 'supervisor',
      input: userMessage('Can I cancel an order before it ships?'),
      stream_mode: 'updates',
      stream_subgraphs: true,
    });
    const events = parseSse(await response.text());
    expect(events.some((event) => /^updates\|retriever:/.test(event.event))).toBe(true);
  });

  it('runs a specialist graph on its own', async () => {
    const response = await harness.post('/runs/wait', {
      assistant_id: 'retriever',
      input: { task: 'How long is the warranty for electronics?' },
    });
    const state = (await response.json()) as { report: { outcome: string; summary: string } };
    expect(state.report.outcome).toBe('answered');
    expect(state.report.summary).toMatch(/24 months/);
  });
});

// The same requests through @langchain/openai to the OpenAI-compatible stand-in playing a
// competent model; the hop budget and loop guard with a looping model are in scripted-scenarios.
describe('supervisor over HTTP on the openai provider, with a policy-following model', () => {
  let model: PolicyFollowingServer;
  let harness: TestHarness;
  beforeAll(async () => {
    model = await startPolicyFollowingModel();
    harness = await createTestHarness(model.environment);
  });
  afterAll(async () => {
    await harness?.close();
    await model?.close();
  });

  const wait = (content: string) => runToEnd(harness, content);

  it('answers a policy question with citations from the knowledge base', async () => {
    anyModel.policyQuestion.expectOutcome(await wait(anyModel.policyQuestion.request));
    expectCleanRequests(model);
  });

  it('says honestly when the knowledge base does not cover a question, without asking the answer model', async () => {
    const before = model.chatRequests('answerer').length;
    const state = await wait(anyModel.outsideKnowledge.request);
    anyModel.outsideKnowledge.expectOutcome(state);
    expect(state.steps.map((step) => `${step.specialist}:${step.outcome}`)).toEqual(['retriever:not_covered']);
    expect(model.chatRequests('answerer').length).toBe(before);
    expectCleanRequests(model);
  });
});

describe('bad input to the runs API', () => {
  let harness: TestHarness;
  beforeAll(async () => {
    harness = await createTestHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('answers malformed JSON with 400 BAD_REQUEST', async () => {
    const response = await harness.post('/runs/wait', '{"assistant_id": "supervisor", ');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string }; request_id: string };
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.request_id).toBeTruthy();
  });

  it('names the missing field when assistant_id is absent', async () => {
    const response = await harness.post('/runs/stream', { input: userMessage('hi') });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; details: Array<{ path: string }> } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.map((detail) => detail.path)).toContain('assistant_id');
  });

  it('rejects an unknown stream mode', async () => {
    const response = await harness.post('/runs/stream', { assistant_id: 'supervisor', input: userMessage('hi'), stream_mode: 'telepathy' });
    expect(response.status).toBe(400);
  });

  it('rejects a run with neither input nor command', async () => {
    const response = await harness.post('/runs/wait', { assistant_id: 'supervisor' });
    expect(response.status).toBe(400);
  });

  it('answers an unknown assistant with 404', async () => {
    const response = await harness.post('/runs/wait', { assistant_id: 'nobody', input: userMessage('hi') });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('answers an unknown route with a JSON 404', async () => {
    const response = await harness.app.request('/nowhere');
    expect(response.status).toBe(404);
  });

  it('keeps serving after bad input', async () => {
    const response = await harness.app.request('/ok');
    expect(await response.json()).toEqual({ ok: true });
  });
});
