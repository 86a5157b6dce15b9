import { describe, expect, it } from 'vitest';
import { reply, type ChatCompletionRequest } from '../support/openai-compatible-server.ts';
import { citeRefundWindow, routerSees, startPolicyFollowingModel, useOpenAIService, type FinalState } from '../support/openai-scenarios.ts';
import { createOfflineModels, ScriptedChatModel } from '../../src/agents/index.ts';
import { createTestHarness, parseSse, userMessage } from '../support/test-services.ts';
import { startTestServer } from '../support/test-server.ts';

/*
 * `replyDirectly` on the retriever's handoff: the router asks for the knowledge base's answer to
 * be the whole reply, and no routing call follows it. Through @langchain/openai to the stand-in,
 * which counts every call: honoured for a grounded answer and a look-up that changed nothing;
 * ignored when the answer is "not covered" or the executor proposed a change (which always goes
 * back to the router, and on to the reviewer).
 */

const policyQuestion = 'How many days do I have to ask for a refund when my order arrived late?';
const directHandoff = (specialist: string, task: string) =>
  reply.toolCall(`handoff_to_${specialist}`, { task, acceptanceCriteria: ['Cite the policy'], replyDirectly: true });

describe('a knowledge-base answer as the whole reply, on the openai provider', () => {
  const openAI = useOpenAIService();
  const auditOf = async (type: string) => {
    const records = await openAI.service.services.audit.query({ tenantId: 'default', limit: 1_000 });
    return records.filter((record) => record.type === type);
  };

  it('sends the grounded answer as the reply without a second routing call, streamed token by token once', async () => {
    const { model, service } = await openAI.start();
    model.script('router', directHandoff('retriever', `Answer from the refund policy, with citations: ${policyQuestion}`));
    model.script('answerer', citeRefundWindow);

    const response = await service.post('/runs/stream', { assistant_id: 'supervisor', input: userMessage(policyQuestion), stream_mode: ['messages-tuple', 'values'] });
    expect(response.status).toBe(200);
    const events = parseSse(await response.text());
    const final = events.filter((event) => event.event === 'values').at(-1)!.data as FinalState;

    expect(model.chatRequests().map((request) => request.model)).toEqual(['router', 'answerer']);
    expect(final.result.status).toBe('complete');
    expect(final.result.answer).toMatch(/^Orders delivered late can be refunded in full within 30 days of delivery \[[a-z-]+#\d+\]\.$/);
    expect(final.steps.map((step) => [step.specialist, step.outcome])).toEqual([['retriever', 'answered']]);
    // The thread holds the question and one answer, the retriever's words under the supervisor's name.
    const answers = final.messages.filter((message) => message.type === 'ai');
    expect(answers).toHaveLength(1);
    expect(answers[0]!.content).toBe(final.result.answer);
    // Over `messages-tuple` the reply streams token by token, once: the answer model's tokens
    // (inside the retriever's subgraph) go to the run's own stream, and the reply keeps their id,
    // so the finish node's message is not sent again.
    const streamed = events.filter((event) => event.event === 'messages').map((event) => (event.data as [{ content: string; id: string }, { langgraph_node: string }]))
      .filter(([message]) => message.content !== '');
    expect(streamed.length).toBeGreaterThan(5);
    expect(new Set(streamed.map(([message, metadata]) => `${metadata.langgraph_node} ${message.id}`))).toEqual(new Set([`answer ${answers[0]!.id}`]));
    expect(streamed.map(([message]) => message.content).join('').trim()).toBe(final.result.answer);
    expect((await auditOf('routing.decided')).map((record) => record.data)).toEqual([expect.objectContaining({ specialist: 'retriever', replyDirectly: true })]);
    // Only the retriever's handoff offers the option; the router still sees the others as before.
    const offered = Object.fromEntries(model.chatRequests('router')[0]!.tools!.map((tool) => [tool.function.name, Object.keys((tool.function.parameters as { properties: object }).properties)]));
    expect(offered).toEqual({ handoff_to_retriever: ['task', 'acceptanceCriteria', 'replyDirectly'], handoff_to_executor: ['task', 'acceptanceCriteria', 'replyDirectly'] });
    expect(model.chatRequests('router')).toHaveLength(1);
  });

  it('answers a repeated question from the answer cache as a new message of the thread, never in place of the first', async () => {
    const { model, service } = await openAI.start();
    model.script('router', directHandoff('retriever', policyQuestion), directHandoff('retriever', policyQuestion));
    model.script('answerer', citeRefundWindow);
    const thread = (await (await service.post('/threads', {})).json()) as { thread_id: string };
    for (let turn = 0; turn < 2; turn += 1) {
      const response = await service.post(`/threads/${thread.thread_id}/runs/wait`, { assistant_id: 'supervisor', input: userMessage(policyQuestion) });
      expect(response.status).toBe(200);
    }

    // The second answer came from the cache: no answer model was asked for it.
    expect(model.chatRequests().map((request) => request.model)).toEqual(['router', 'answerer', 'router']);
    const state = (await (await fetch(`${service.url}/threads/${thread.thread_id}/state`)).json()) as { values: FinalState };
    const answers = state.values.messages.filter((message) => message.type === 'ai');
    expect(state.values.messages.map((message) => message.type)).toEqual(['human', 'ai', 'human', 'ai']);
    expect(answers[0]!.content).toBe(answers[1]!.content);
    expect(answers[0]!.id).not.toBe(answers[1]!.id);
  });

  it('reads replyDirectly sent as the string "true", as some models send booleans, and refuses other values with a reprompt', async () => {
    const { model, service } = await openAI.start();
    model.script(
      'router',
      reply.toolCall('handoff_to_retriever', { task: policyQuestion, replyDirectly: 'yes' }),
      (request: ChatCompletionRequest) => {
        // The refusal names the field; the router tries again with the string form.
        expect(request.messages.find((message) => message.role === 'tool')?.content).toBe('Invalid handoff: replyDirectly: Invalid input: expected boolean, received string');
        return reply.toolCall('handoff_to_retriever', { task: policyQuestion, replyDirectly: 'true' });
      },
    );
    model.script('answerer', citeRefundWindow);

    const response = await service.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage(policyQuestion) });
    const body = (await response.json()) as FinalState;

    expect(response.status).toBe(200);
    expect(model.chatRequests().map((request) => request.model)).toEqual(['router', 'router', 'answerer']);
    expect(body.result.status).toBe('complete');
  });

  it('goes back to the router when the knowledge base does not cover the question', async () => {
    const { model, service } = await openAI.start();
    model.script('router', directHandoff('retriever', 'What does the policy say about refunds paid in gold bars?'), (request: ChatCompletionRequest) => {
      expect(routerSees(request).outcomes).toEqual(['not_covered']);
      return reply.text("I'm sorry, our knowledge base does not cover refunds in gold bars.");
    });
    model.script('answerer', () => reply.text('The knowledge base does not cover this.'));

    const response = await service.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage('Can I get my refund paid in gold bars?') });
    const body = (await response.json()) as FinalState;

    expect(response.status).toBe(200);
    expect(model.chatRequests('router')).toHaveLength(2);
    expect(body.result.answer).toBe("I'm sorry, our knowledge base does not cover refunds in gold bars.");
  });

  it("sends an executor's look-up as the reply when it changed nothing", async () => {
    const { model, service } = await openAI.start();
    model.script('router', directHandoff('executor', 'Look up order 1275.'));
    model.script('executor', reply.toolCall('lookup_order', { orderId: 1275 }), reply.text('Order 1275 holds one table lamp and was delivered.'));

    const response = await service.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage('Look up order 1275.') });
    const body = (await response.json()) as FinalState;

    expect(response.status).toBe(200);
    expect(model.chatRequests('router')).toHaveLength(1);
    expect(body.result).toMatchObject({ status: 'complete', answer: 'Order 1275 holds one table lamp and was delivered.' });
    expect(body.steps[0]!.actions.map((action) => [action.tool, action.status])).toEqual([['lookup_order', 'ok']]);
  });

  it('goes back to the router after an executor handoff that proposed a change, whatever the router asked', async () => {
    const { model, service } = await openAI.start();
    model.script('router', directHandoff('executor', 'Refund $20.00 on order 1275.'), (request: ChatCompletionRequest) => {
      expect(routerSees(request).reports[0]).toMatchObject({ specialist: 'executor', actions: [{ tool: 'lookup_order', status: 'ok' }, { tool: 'issue_refund' }] });
      return reply.text('Here is what happened to the refund on order 1275.');
    });
    model.script(
      'executor',
      reply.toolCall('lookup_order', { orderId: 1275 }),
      reply.toolCall('issue_refund', { orderId: 1275, amountCents: 2_000, reason: 'damaged_item' }),
      reply.text('I tried to refund $20.00 on order 1275.'),
    );
    model.otherwise('reviewer', reply.toolCall('submit_verdict', { verdict: 'accept', reasons: ['allowed'] }));

    const response = await service.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage('Refund $20.00 on order 1275, the lamp arrived damaged.') });
    const body = (await response.json()) as FinalState;

    expect(response.status).toBe(200);
    expect(model.chatRequests('router')).toHaveLength(2);
    expect(body.result.answer).toBe('Here is what happened to the refund on order 1275.');
    expect((await auditOf('routing.decided'))[0]!.data).toMatchObject({ specialist: 'executor', replyDirectly: true });
  });
});

describe('a competent model given the option', () => {
  it('uses it for a plain policy question and a look-up, and not for a refund, which goes on to the action and its review', async () => {
    const model = await startPolicyFollowingModel();
    const service = await startTestServer(model.environment);
    try {
      const ask = async (content: string) => {
        const start = model.chatRequests().length;
        const response = await service.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage(content) });
        expect(response.status).toBe(200);
        return { body: (await response.json()) as FinalState, models: model.chatRequests().slice(start).map((request) => request.model) };
      };
      const question = await ask('What is your refund policy for damaged items?');
      expect(question.models).toEqual(['router', 'answerer']);
      expect(question.body.result.status).toBe('complete');
      expect(question.body.result.answer).toMatch(/\[refund-policy#\d+\]/);

      const lookup = await ask('Can you look up order 1275 for me?');
      expect(lookup.models).toEqual(['router', 'executor', 'executor']);
      expect(lookup.body.result.answer).toMatch(/1275/);

      const refund = await ask('Please refund $20.00 on order 1275, the lamp arrived damaged.');
      expect(refund.body.steps.map((step) => step.specialist)).toEqual(['retriever', 'executor', 'reviewer']);
      expect(refund.models.at(-1)).toBe('router');
    } finally {
      await service.close();
      await model.close();
    }
  });
});

describe('a reply under an id the thread already holds', () => {
  it('gets an id of its own, so it never replaces an earlier answer', async () => {
    // The offline answer model names a reply by its prompt: the same question twice, with the
    // answer cache off, streams both answers under one id.
    const handoff = { toolCalls: [{ name: 'handoff_to_retriever', args: { task: policyQuestion, replyDirectly: true } }] };
    const supervisor = new ScriptedChatModel([handoff, handoff]);
    const harness = await createTestHarness({ ANSWER_CACHE_TTL_SECONDS: '0' }, { models: { ...createOfflineModels(), supervisor } });
    try {
      const thread = (await (await harness.post('/threads', {})).json()) as { thread_id: string };
      for (let turn = 0; turn < 2; turn += 1) {
        const response = await harness.post(`/threads/${thread.thread_id}/runs/wait`, { assistant_id: 'supervisor', input: userMessage(policyQuestion) });
        expect(response.status).toBe(200);
      }
      const state = (await (await harness.app.request(`/threads/${thread.thread_id}/state`)).json()) as { values: FinalState };
      expect(state.values.messages.map((message) => message.type)).toEqual(['human', 'ai', 'human', 'ai']);
      const [first, second] = state.values.messages.filter((message) => message.type === 'ai');
      expect(first!.content).toBe(second!.content);
      expect(first!.id).not.toBe(second!.id);
      expect(supervisor.calls).toHaveLength(2);
    } finally {
      await harness.close();
    }
  });
});
