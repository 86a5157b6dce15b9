import { describe, expect, it, vi } from 'vitest';
import { reply, type ChatCompletionRequest } from '../support/openai-compatible-server.ts';
import { citeRefundWindow, handoff, routerSees, useOpenAIService, type FinalState } from '../support/openai-scenarios.ts';
import { parseSse, refundsOf, userMessage } from '../support/test-services.ts';

const policyQuestion = 'How many days do I have to ask for a refund when my order arrived late?';
const lastUserText = (request: ChatCompletionRequest) => {
  const content = request.messages.findLast((message) => message.role === 'user')?.content;
  return typeof content === 'string' ? content : JSON.stringify(content);
};

// Each misbehaviour of a model or its provider, and what the user sees for it: never INTERNAL.
describe('models that misbehave, on the openai provider', () => {
  const openAI = useOpenAIService();
  const wait = async (content: string) => {
    const response = await openAI.service.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage(content) });
    return { response, body: (await response.json()) as FinalState & { error?: { code: string; message: string } } };
  };
  const stream = async (content: string) => {
    const response = await openAI.service.post('/runs/stream', { assistant_id: 'supervisor', input: userMessage(content), stream_mode: ['messages-tuple', 'values'] });
    return parseSse(await response.text());
  };
  const auditOf = async (type: string) => {
    const records = await openAI.service.services.audit.query({ tenantId: 'default', limit: 1_000 });
    return records.filter((record) => record.type === type);
  };
  const answerRouterFromReports = (request: ChatCompletionRequest) =>
    reply.text(`Answered. ${routerSees(request).citations.map((citation) => `[${citation}]`).join(' ')}`);

  describe('tool calling', () => {
    it('acts on one of several parallel handoffs, asks for one at a time, and names the ignored one in the audit', async () => {
      const { model, service } = await openAI.start();
      model.script('router', reply.toolCalls([
        { name: 'handoff_to_retriever', arguments: { task: 'Find the late refund window' } },
        { name: 'handoff_to_executor', arguments: { task: 'Refund order 1001' } },
      ]), answerRouterFromReports);
      model.script('answerer', citeRefundWindow);
      const { response, body } = await wait(policyQuestion);

      expect(response.status).toBe(200);
      expect(body.steps.map((step) => step.specialist)).toEqual(['retriever']);
      expect(body.result.status).toBe('complete');
      expect(refundsOf(service.services, 1001)).toHaveLength(0);
      expect(model.chatRequests('router').every((request) => request.parallel_tool_calls === false)).toBe(true);
      expect((await auditOf('routing.decided'))[0]!.data).toMatchObject({ specialist: 'retriever', ignored: ['handoff_to_executor'] });
      // Tool definitions without `$schema`, and only the handoff tools the step can use: nothing to review before the first step.
      const tools = model.chatRequests('router')[0]!.tools!;
      expect(tools.map((tool) => tool.function.name)).toEqual(['handoff_to_retriever', 'handoff_to_executor']);
      expect(model.chatRequests('router')[1]!.tools!.map((tool) => tool.function.name)).toEqual(['handoff_to_retriever', 'handoff_to_executor', 'handoff_to_reviewer']);
      expect(JSON.stringify(tools)).not.toContain('$schema');
    });

    it('answers every call of a reply that held an invalid handoff before asking again', async () => {
      const { model } = await openAI.start();
      model.script(
        'router',
        reply.toolCalls([
          { name: 'handoff_to_retriever', arguments: { acceptanceCriteria: ['cite'] }, id: 'call_bad' },
          { name: 'transfer_to_human', arguments: {}, id: 'call_unknown' },
        ]),
        handoff('retriever', 'Find the late refund window'),
        answerRouterFromReports,
      );
      model.script('answerer', citeRefundWindow);
      const { response, body } = await wait(policyQuestion);

      expect(response.status).toBe(200);
      expect(body.result.status).toBe('complete');
      // The stand-in refuses, as providers do, a tool call left unanswered: the retry was accepted.
      const retry = model.chatRequests('router')[1]!;
      const answers = retry.messages.filter((message) => message.role === 'tool');
      expect(answers.map((message) => message.tool_call_id)).toEqual(['call_bad', 'call_unknown']);
      expect(JSON.stringify(answers[0]!.content)).toMatch(/Invalid handoff: task/);
      expect(JSON.stringify(answers[1]!.content)).toMatch(/Unknown tool \\"transfer_to_human\\"/);
      expect((await auditOf('model.reprompted')).map((record) => record.data)).toEqual([
        expect.objectContaining({ role: 'supervisor', problem: expect.stringMatching(/task.*unknown tool "transfer_to_human"/s) }),
      ]);
    });

    it('hands malformed tool-call JSON back with the exact problem', async () => {
      const { model } = await openAI.start();
      model.script('router', reply.toolCall('handoff_to_retriever', '{"task": "Find the late refund window'), handoff('retriever', 'Find the late refund window'), answerRouterFromReports);
      model.script('answerer', citeRefundWindow);
      const { response, body } = await wait(policyQuestion);

      expect(response.status).toBe(200);
      expect(body.result.status).toBe('complete');
      expect(lastUserText(model.chatRequests('router')[1]!)).toMatch(/handoff_to_retriever was not run: its arguments are not valid JSON/);
    });

    it('asks again after an empty reply, and stops with a partial result when the replies stay empty', async () => {
      const { model } = await openAI.start();
      model.script('router', reply.empty(), handoff('retriever', 'Find the late refund window'), answerRouterFromReports);
      model.script('answerer', citeRefundWindow);
      const first = await wait(policyQuestion);
      expect(first.body.result.status).toBe('complete');
      expect(lastUserText(model.chatRequests('router')[1]!)).toMatch(/Your reply was empty/);

      model.otherwise('router', reply.empty());
      const second = await wait('What is the warranty?');
      expect(second.response.status).toBe(200);
      expect(second.body.result).toMatchObject({ status: 'partial', reason: expect.stringMatching(/no valid handoff in 3 attempts \(last: empty reply\)/) });
    });

    it('forces the verdict tool and asks again when the reviewer answers in prose', async () => {
      const { model } = await openAI.start();
      model.script('router', handoff('retriever', 'Find the late refund window'), handoff('reviewer', 'Review the answer about the late refund window'), answerRouterFromReports);
      model.script('answerer', citeRefundWindow);
      model.script('reviewer', reply.text('Looks good to me, I accept.'), reply.toolCall('submit_verdict', { verdict: 'accept', reasons: ['Cited and correct'] }));
      const { body } = await wait(policyQuestion);

      expect(body.steps.map((step) => `${step.specialist}:${step.outcome}`)).toEqual(['retriever:answered', 'reviewer:accepted']);
      const [first, second] = model.chatRequests('reviewer');
      expect(first!.tool_choice).toEqual({ type: 'function', function: { name: 'submit_verdict' } });
      expect(second!.tool_choice).toEqual({ type: 'function', function: { name: 'submit_verdict' } });
      expect(lastUserText(second!)).toMatch(/answered in prose instead of calling submit_verdict/);
    });

    it('runs an executor reply of several calls, reads together and writes one at a time, answering each', async () => {
      const { model, service } = await openAI.start();
      model.script('router', handoff('executor', 'Refund order 1001 in full because it arrived late'), reply.text('Order 1001 was refunded: $129.99.'));
      model.script(
        'executor',
        reply.toolCalls([
          { name: 'issue_refund', arguments: { orderId: 1001, amountCents: 12_999, reason: 'late_delivery' }, id: 'call_refund' },
          { name: 'check_shipment_sla', arguments: { orderId: 1001 }, id: 'call_sla' },
          { name: 'lookup_order', arguments: { orderId: 1001 }, id: 'call_order' },
          { name: 'frobnicate_order', arguments: { orderId: 1001 }, id: 'call_unknown' },
        ]),
        reply.text('Refunded $129.99 on order 1001.'),
      );
      model.otherwise('reviewer', reply.toolCall('submit_verdict', { verdict: 'accept', reasons: [] }));
      const { body } = await wait('Refund order 1001, it arrived late');

      expect(body.steps[0]!.actions.map((action) => `${action.tool}:${action.status}`)).toEqual([
        'issue_refund:ok',
        'check_shipment_sla:ok',
        'lookup_order:ok',
        'frobnicate_order:unknown_tool',
      ]);
      expect(refundsOf(service.services, 1001)).toHaveLength(1);
      const answered = model.chatRequests('executor')[1]!.messages.filter((message) => message.role === 'tool').map((message) => message.tool_call_id);
      expect(answered).toEqual(['call_refund', 'call_sla', 'call_order', 'call_unknown']);
    });

    it('nudges an executor that replies with nothing, then carries on', async () => {
      const { model } = await openAI.start();
      model.script('router', handoff('executor', 'Look up order 1001'), reply.text('Order 1001 was delivered.'));
      model.script('executor', reply.empty(), reply.toolCall('lookup_order', { orderId: 1001 }), reply.text('Order 1001 was delivered on 13 March.'));
      const { body } = await wait('Where is order 1001?');

      expect(body.steps[0]).toMatchObject({ specialist: 'executor', outcome: 'completed' });
      expect(lastUserText(model.chatRequests('executor')[1]!)).toMatch(/Your reply was empty/);
      expect((await auditOf('model.reprompted'))[0]!.data).toMatchObject({ role: 'executor', problem: 'empty reply' });
    });

    it('says the result is partial when the router answers although the executor failed', async () => {
      const { model, service } = await openAI.start({ MAX_TOOL_ATTEMPTS: '2' });
      model.script('router', handoff('executor', 'Refund order 1001 in full because it arrived late'), reply.text('Done, order 1001 is refunded.'));
      model.otherwise('executor', reply.toolCall('issue_refund', '{"orderId": 1001, "amountCents": '));
      const { body } = await wait('Refund order 1001, it arrived late');

      expect(body.steps[0]).toMatchObject({ specialist: 'executor', outcome: 'failed' });
      expect(body.result).toMatchObject({ status: 'partial', reason: expect.stringMatching(/^the executor failed: Stopped after 2 invalid tool calls/) });
      expect(refundsOf(service.services, 1001)).toHaveLength(0);
    });
  });

  describe('provider failures and time', () => {
    it('passes a persistent 429 on as MODEL_RATE_LIMITED with Retry-After, in JSON and as the SSE error event', async () => {
      const { model } = await openAI.start();
      model.otherwise('router', reply.error(429, { retryAfter: '1' }));
      const { response, body } = await wait(policyQuestion);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(body.error).toMatchObject({ code: 'MODEL_RATE_LIMITED', message: expect.stringMatching(/supervisor's model provider is rate limiting.*retry after 1 s.*Nothing was done/s) });
      expect(model.chatRequests('router').length).toBe(2);

      const events = await stream(policyQuestion);
      expect(events.at(-1)).toMatchObject({ event: 'error', data: { error: 'MODEL_RATE_LIMITED', retry_after_seconds: 1 } });
    });

    it('answers MODEL_UNAVAILABLE (503) after repeated 500s, saying what had completed', async () => {
      const { model } = await openAI.start();
      model.script('router', handoff('retriever', 'Find the late refund window'));
      model.otherwise('router', reply.error(500));
      model.script('answerer', citeRefundWindow);
      const { response, body } = await wait(policyQuestion);
      expect(response.status).toBe(503);
      expect(body.error).toMatchObject({ code: 'MODEL_UNAVAILABLE', message: expect.stringMatching(/HTTP 500.*Completed before the router failed: retriever \(answered\); nothing was changed/s) });
    });

    it('keeps a failed step\'s error in the thread state as its message, not "[object Object]"', async () => {
      const { model, service } = await openAI.start({ MODEL_MAX_RETRIES: '0' });
      model.otherwise('router', reply.error(500));
      const thread = (await (await service.post('/threads', {})).json()) as { thread_id: string };
      const run = await service.post(`/threads/${thread.thread_id}/runs/wait`, { assistant_id: 'supervisor', input: userMessage(policyQuestion) });
      expect(run.status).toBe(503);
      const state = (await (await service.app.request(`/threads/${thread.thread_id}/state`)).json()) as { tasks: Array<{ name: string; error: string | null }> };
      expect(state.tasks).toEqual([expect.objectContaining({ name: 'route', error: "The supervisor's model provider is unavailable (HTTP 500). Nothing was done." })]);
    });

    it('answers MODEL_TIMEOUT (504) when a response never starts', async () => {
      const { model } = await openAI.start({ MODEL_TIMEOUT_MS: '300' });
      model.otherwise('router', reply.hang());
      const { response, body } = await wait(policyQuestion);
      expect(response.status).toBe(504);
      expect(body.error?.code).toBe('MODEL_TIMEOUT');
      // The client gave up on every attempt (the server learns it when the connection closes).
      await vi.waitFor(() => expect(model.requests.filter((request) => request.behaviour === 'hang').map((request) => request.abortedByClient)).toEqual([true, true]));
    });

    it('cuts a stream that stalls mid-way at the idle timeout, well before the call timeout', async () => {
      const { model } = await openAI.start({ MODEL_IDLE_TIMEOUT_MS: '300', MODEL_TIMEOUT_MS: '60000' });
      model.script('router', reply.stall('The refund window for late orders is'));
      const events = await stream(policyQuestion);
      const tokens = events.filter((event) => event.event === 'messages').map((event) => (event.data as Array<{ content: string }>)[0]!.content);
      expect(tokens.join('')).toMatch(/^The refund/);
      expect(events.at(-1)).toMatchObject({ event: 'error', data: { error: 'MODEL_TIMEOUT', message: expect.stringMatching(/no data from the model for 300 ms/) } });
      await vi.waitFor(() => expect(model.requests.find((request) => request.behaviour === 'stall')!.abortedByClient).toBe(true));
    });

    it('cuts a stalled stream at the call timeout too, which the SDK\'s own timeout does not cover', async () => {
      const { model } = await openAI.start({ MODEL_IDLE_TIMEOUT_MS: '60000', MODEL_TIMEOUT_MS: '500' });
      model.script('router', reply.stall('The refund window for late orders is'));
      const events = await stream(policyQuestion);
      expect(events.at(-1)).toMatchObject({ event: 'error', data: { error: 'MODEL_TIMEOUT', message: expect.stringMatching(/took longer than 500 ms/) } });
    });

    it('ends a run at its deadline with RUN_TIMEOUT, saying what it had already changed', async () => {
      const { model, service } = await openAI.start({ RUN_TIMEOUT_MS: '1500', MODEL_TIMEOUT_MS: '60000', MODEL_IDLE_TIMEOUT_MS: '60000' });
      model.script('router', handoff('executor', 'Refund order 1001 in full because it arrived late'));
      model.script('executor', reply.toolCall('issue_refund', { orderId: 1001, amountCents: 12_999, reason: 'late_delivery' }));
      model.otherwise('executor', reply.stall('Refunded'));
      model.otherwise('reviewer', reply.toolCall('submit_verdict', { verdict: 'accept', reasons: [] }));
      const { response, body } = await wait('Refund order 1001, it arrived late');
      expect(response.status).toBe(504);
      expect(body.error).toMatchObject({ code: 'RUN_TIMEOUT', message: expect.stringMatching(/deadline of 1500 ms.*Already done in this run: issue_refund \{"amountCents":12999,"orderId":1001/s) });
      expect(refundsOf(service.services, 1001)).toHaveLength(1);
    });

    it('falls back to the next model on 5xx and records it in the audit', async () => {
      const { model } = await openAI.start({ MODEL_FALLBACKS: JSON.stringify({ supervisor: ['router-backup'] }), MODEL_MAX_RETRIES: '0' });
      model.otherwise('router', reply.error(503));
      model.script('router-backup', handoff('retriever', 'Find the late refund window'), answerRouterFromReports);
      model.script('answerer', citeRefundWindow);
      const { response, body } = await wait(policyQuestion);

      expect(response.status).toBe(200);
      expect(body.result.status).toBe('complete');
      const fallbacks = await auditOf('model.fallback');
      expect(fallbacks).toHaveLength(2);
      expect(fallbacks[0]!.data).toMatchObject({ role: 'supervisor', from: 'router', to: 'router-backup', reason: 'MODEL_UNAVAILABLE' });
      // The fallback was asked with the same tools and protocol as the model it stood in for.
      expect(model.chatRequests('router-backup')[0]!.tools?.map((tool) => tool.function.name)).toContain('handoff_to_retriever');
      expect(model.chatRequests('router-backup')[0]!.parallel_tool_calls).toBe(false);
    });

    it('falls back on a time-out, but passes a 429 on rather than spend another model', async () => {
      const { model } = await openAI.start({ MODEL_FALLBACKS: JSON.stringify({ '*': ['backup'] }), MODEL_MAX_RETRIES: '0', MODEL_TIMEOUT_MS: '300' });
      model.script('router', reply.hang(), reply.error(429, { retryAfter: '3' }));
      model.script('backup', handoff('retriever', 'Find the late refund window'));
      model.script('answerer', citeRefundWindow);
      const { response, body } = await wait(policyQuestion);

      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('3');
      expect(body.error?.code).toBe('MODEL_RATE_LIMITED');
      expect((await auditOf('model.fallback')).map((record) => record.data)).toEqual([expect.objectContaining({ from: 'router', to: 'backup', reason: 'MODEL_TIMEOUT' })]);
      expect(model.chatRequests('backup')).toHaveLength(1);
    });

    it('tells the user the refund was issued when the reviewer model fails after it', async () => {
      const { model, service } = await openAI.start();
      model.script('router', handoff('executor', 'Refund order 1001 in full because it arrived late'), handoff('reviewer', 'Review the refund of order 1001'));
      model.script('executor', reply.toolCall('issue_refund', { orderId: 1001, amountCents: 12_999, reason: 'late_delivery' }), reply.text('Refunded $129.99 on order 1001.'));
      // The pre-action review accepts; the review after the refund finds the provider down.
      model.script('reviewer', reply.toolCall('submit_verdict', { verdict: 'accept', reasons: [] }));
      model.otherwise('reviewer', reply.error(503));
      const { response, body } = await wait('Refund order 1001, it arrived late');

      expect(response.status).toBe(200);
      expect(refundsOf(service.services, 1001)).toHaveLength(1);
      expect(body.result).toMatchObject({ status: 'partial', error: { code: 'MODEL_UNAVAILABLE', specialist: 'reviewer' } });
      expect(body.result.answer).toMatch(/the reviewer could not run/);
      expect(body.result.answer).toMatch(/Already done: issue_refund \{"orderId":1001,"amountCents":12999,"reason":"late_delivery"\} \(done\)/);
    });
  });
});
