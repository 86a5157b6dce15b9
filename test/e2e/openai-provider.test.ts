import { Client } from '@langchain/langgraph-sdk';
import { describe, expect, it } from 'vitest';
import { defaultMinScore } from '../../src/graphs/index.ts';
import { routerSees, citeRefundWindow, handoff, useOpenAIService, type FinalState } from '../support/openai-scenarios.ts';
import { createPolicyFollowingModel } from '../support/policy-following-model/index.ts';
import { reply } from '../support/openai-compatible-server.ts';
import { refundsOf, userMessage } from '../support/test-services.ts';

// The service on the `openai` provider: every model call goes through the real
// @langchain/openai and the OpenAI SDK to a local OpenAI-compatible server.
describe('supervisor on the openai provider', () => {
  const openAI = useOpenAIService();
  const policyQuestionText = 'How many days do I have to ask for a refund when my order arrived late?';
  const wait = async (content: string) => {
    const response = await openAI.service.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage(content) });
    return { response, state: (await response.json()) as FinalState };
  };

  it('answers a policy question with citations, through embeddings and chat completions', async () => {
    const { model } = await openAI.start({ EMBEDDING_MODEL: 'embedder' });
    model.script('router', handoff('retriever', 'How long do I have to ask for a refund on a late order?'), (request) =>
      reply.text(`You have 30 days. ${routerSees(request).citations.map((citation) => `[${citation}]`).join(' ')}`),
    );
    model.script('answerer', citeRefundWindow);
    const { response, state } = await wait('How many days do I have to ask for a refund when my order arrived late?');

    expect(response.status).toBe(200);
    expect(state.result.status).toBe('complete');
    expect(state.steps[0]).toMatchObject({ specialist: 'retriever', outcome: 'answered' });
    expect(state.steps[0]!.citations.length).toBeGreaterThan(0);
    expect(state.messages.at(-1)!.content).toMatch(/\[[\w-]+#\d+\]/);
    expect(model.requests.some((request) => request.path === '/v1/embeddings')).toBe(true);
    expect(model.unscripted).toEqual([]);
  });

  it('refunds a late order exactly once, going retriever → executor → reviewer', async () => {
    const { model, service } = await openAI.start();
    model.script(
      'router',
      handoff('retriever', 'Find the refund policy for late deliveries'),
      handoff('executor', 'Refund order 1001 in full because it arrived late'),
      handoff('reviewer', 'Review the refund of order 1001 because it arrived late'),
      reply.text('Order 1001 was refunded in full: $129.99.'),
    );
    model.script('answerer', citeRefundWindow);
    model.script(
      'executor',
      reply.toolCalls([
        { name: 'check_shipment_sla', arguments: { orderId: 1001 } },
        { name: 'lookup_order', arguments: { orderId: 1001 } },
      ]),
      reply.toolCall('issue_refund', { orderId: 1001, amountCents: 12_999, reason: 'late_delivery' }),
      reply.text('Refunded $129.99 on order 1001.'),
    );
    // The reviewer model judges the refund before it is dispatched and the work after it.
    model.otherwise('reviewer', reply.toolCall('submit_verdict', { verdict: 'accept', reasons: ['Policy allows a full refund'] }));
    const { response, state } = await wait('Please refund order 1001 because it arrived late.');

    expect(response.status).toBe(200);
    expect(state.steps.map((step) => `${step.specialist}:${step.outcome}`)).toEqual(['retriever:answered', 'executor:completed', 'reviewer:accepted']);
    expect(state.steps[1]!.actions.map((action) => `${action.tool}:${action.status}`)).toEqual(['check_shipment_sla:ok', 'lookup_order:ok', 'issue_refund:ok']);
    expect(state.result).toMatchObject({ status: 'complete', answer: 'Order 1001 was refunded in full: $129.99.' });
    expect(refundsOf(service.services, 1001)).toHaveLength(1);
    expect(model.unscripted).toEqual([]);
    // Each role is sent only the tools it can use, none with `$schema`.
    const toolsOf = (name: string) => (model.chatRequests(name)[0]!.tools ?? []).map((tool) => tool.function.name);
    expect(toolsOf('answerer')).toEqual([]);
    expect(toolsOf('reviewer')).toEqual(['submit_verdict']);
    expect(toolsOf('executor')).toContain('issue_refund');
    expect(toolsOf('executor').some((name) => name.startsWith('handoff_') || name === 'submit_verdict')).toBe(false);
    expect(JSON.stringify(model.requests.map((request) => request.body.tools ?? []))).not.toContain('$schema');
  });

  it('lists a failed check once when the reviewer model restates it in its own reasons', async () => {
    const { model } = await openAI.start();
    // No policy was looked up, so the review's rule check that a refund "because it arrived late" rests on policy fails.
    model.script(
      'router',
      handoff('executor', 'Refund order 1001 in full because it arrived late'),
      handoff('reviewer', 'Review the refund of order 1001 because it arrived late'),
      (request) => reply.text(`Refunded, with concerns: ${routerSees(request).reports.at(-1)!.reasons}`),
    );
    model.script(
      'executor',
      reply.toolCalls([{ name: 'check_shipment_sla', arguments: { orderId: 1001 } }, { name: 'lookup_order', arguments: { orderId: 1001 } }]),
      reply.toolCall('issue_refund', { orderId: 1001, amountCents: 12_999, reason: 'late_delivery' }),
      reply.text('We refunded $129.99 on order 1001.'),
    );
    // A careful reviewer: it sends the work back with the failed check's detail as its reason.
    model.otherwise('reviewer', createPolicyFollowingModel());
    const { state } = await wait('Please refund order 1001 because it arrived late.');

    const failedCheck = 'action-backed-by-policy: the action claims a policy ground but no policy passage was retrieved';
    const review = state.steps.find((step) => step.specialist === 'reviewer')!;
    expect(review.outcome).toBe('revise');
    expect(review.reasons).toEqual([failedCheck]);
    expect(model.chatRequests('reviewer').at(-1)!.messages.at(-1)!.content).toContain('no policy passage was retrieved');
    const reportToRouter = routerSees(model.chatRequests('router').at(-1)!).reports.at(-1)!;
    expect(reportToRouter.reasons).toEqual([failedCheck]);
    expect(reportToRouter.summary).not.toContain('no policy passage');
    expect(state.result.reason!.split('no policy passage was retrieved')).toHaveLength(2);
  });

  it('finds the passages for a task the router reworded, by searching the customer\'s own words too', async () => {
    const { model, service } = await openAI.start();
    const task = `Answer this customer question from the knowledge base, citing the passages: ${policyQuestionText}`;
    // The reworded task alone falls below the retriever's threshold: the customer's words carry it.
    const alone = await service.services.retriever.search({ tenantId: 'default', query: task, limit: 8 });
    expect(alone.every((hit) => hit.score < defaultMinScore)).toBe(true);
    model.script('router', handoff('retriever', task), (request) => reply.text(`Within 30 days. ${routerSees(request).citations.map((citation) => `[${citation}]`).join(' ')}`));
    model.script('answerer', citeRefundWindow);
    const { state } = await wait(policyQuestionText);

    expect(state.steps[0]).toMatchObject({ specialist: 'retriever', outcome: 'answered' });
    expect(state.steps[0]!.citations.length).toBeGreaterThan(0);
    expect(state.result.status).toBe('complete');
  });

  it('streams each message once, under one id, through the SDK in messages-tuple mode', async () => {
    const { model, service } = await openAI.start();
    const answer = 'You have 30 days from delivery to ask for a refund on a late order.';
    model.script('router', handoff('retriever', 'How long do I have to ask for a refund on a late order?'), (request) =>
      reply.text(`${answer} ${routerSees(request).citations.map((citation) => `[${citation}]`).join(' ')}`),
    );
    model.script('answerer', citeRefundWindow);
    const client = new Client({ apiUrl: service.url });
    const thread = await client.threads.create();
    const texts = new Map<string, string>();
    for await (const chunk of client.runs.stream(thread.thread_id, 'supervisor', { input: userMessage(policyQuestionText), streamMode: 'messages-tuple' })) {
      if (chunk.event !== 'messages') continue;
      const [message] = chunk.data as unknown as [{ id: string; type: string; content: string }];
      if (message.type.startsWith('ai')) texts.set(message.id, (texts.get(message.id) ?? '') + message.content);
    }
    const carriers = [...texts].filter(([, text]) => text.includes(answer));
    expect(carriers).toHaveLength(1);
    expect(carriers[0]![1].startsWith(answer)).toBe(true);
    // The message kept in the thread is the one that was streamed, under the same id.
    const state = (await client.threads.getState(thread.thread_id)).values as unknown as FinalState;
    expect(state.messages.at(-1)).toMatchObject({ id: carriers[0]![0], content: carriers[0]![1] });
    expect(model.chatRequests('router').every((request) => request.stream === true)).toBe(true);
  });
});
