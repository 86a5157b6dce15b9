import { reply, type ChatBehaviour, type ChatCompletionRequest } from '../../test/support/openai-compatible-server.ts';
import { createPolicyFollowingModel } from '../../test/support/policy-following-model/index.ts';
import { answer } from '../../test/support/policy-following-model/answer.ts';
import { execute } from '../../test/support/policy-following-model/execute.ts';
import { intentOf } from '../../test/support/policy-following-model/read-intent.ts';
import { textOf } from '../../test/support/policy-following-model/read-request.ts';
import { review } from '../../test/support/policy-following-model/review.ts';
import { taskFor, type Need } from '../../test/support/policy-following-model/route.ts';

type WireMessage = ChatCompletionRequest['messages'][number];

/** The tool the knowledge worker of the supervisor library searches with. */
export const searchToolName = 'search_knowledge_base';
/** What each kind of work is called among the library's workers (`transfer_to_<name>`). */
export const workerNames: Record<Need, string> = { ask: 'knowledge_agent', act: 'orders_agent', review: 'review_agent' };

/**
 * One competent model for both systems of the prompt-token benchmark, deciding from the request
 * alone. Overseer's requests (handoff tools, its prompts) go to the policy-following model of
 * the test suites; `@langchain/langgraph-supervisor`'s (transfer tools, workers that see the
 * whole conversation) are read into the same decisions: the same plan per customer message
 * (policy before a policy-based action, review after a change), the same task wording, the same
 * tool calls in the same order, the same answer sentences from the same passages. So the two
 * systems differ in what they send, not in what the model does.
 */
export function createSupportConversationModel(): (request: ChatCompletionRequest) => ChatBehaviour {
  const overseer = createPolicyFollowingModel();
  return (request) => {
    const names = (request.tools ?? []).map((tool) => tool.function.name);
    if (names.some((name) => name.startsWith('transfer_to_'))) return supervise(request);
    const worker = currentWorker(request.messages);
    if (worker) return work(worker, request);
    return overseer(request);
  };
}

/** The customer's latest message, and what came after it. */
function currentTurn(messages: WireMessage[]): { customer: string; after: WireMessage[] } {
  const index = messages.findLastIndex((message) => message.role === 'user');
  return { customer: index === -1 ? '' : textOf(messages[index]!.content), after: messages.slice(index + 1) };
}

const transferOf = (message: WireMessage) => message.role === 'assistant' ? message.tool_calls?.find((call) => call.function.name.startsWith('transfer_to_')) : undefined;

/** The library worker this request is for: the last transfer of the turn, when the request is a worker's. */
function currentWorker(messages: WireMessage[]): string | undefined {
  const { after } = currentTurn(messages);
  const transfers = after.map(transferOf).filter((call) => call !== undefined);
  return transfers.at(-1)?.function.name.slice('transfer_to_'.length);
}

/** Each worker's final reply of this turn, in order, as the library's supervisor sees them. */
function reportsOf(after: WireMessage[]): Array<{ worker: string; text: string }> {
  const reports: Array<{ worker: string; text: string }> = [];
  let worker: string | undefined;
  for (const message of after) {
    const transfer = transferOf(message);
    if (transfer) worker = transfer.function.name.slice('transfer_to_'.length);
    else if (worker && message.role === 'assistant' && !message.tool_calls?.length && textOf(message.content)) {
      reports.push({ worker, text: textOf(message.content) });
      worker = undefined;
    }
  }
  return reports;
}

const changed = (text: string) => /\bWe (?:refunded|added|credited|cancelled)\b/i.test(text);

/** The supervisor: the same plan as Overseer's router, one transfer at a time, then the answer from the reports. */
function supervise(request: ChatCompletionRequest): ChatBehaviour {
  const { customer, after } = currentTurn(request.messages);
  const reports = reportsOf(after);
  const intent = intentOf(customer);
  const plan: Need[] = intent.kind === 'question' ? ['ask'] : intent.kind === 'lookup' ? ['act'] : ['ask', 'act', 'review'];
  const of = (need: Need) => reports.findLast((report) => report.worker === workerNames[need]);
  for (const need of plan) {
    if (of(need)) continue;
    if (need === 'review' && !changed(of('act')?.text ?? '')) break;
    return reply.toolCall(`transfer_to_${workerNames[need]}`, {});
  }
  const [ask, act, reviewed] = [of('ask'), of('act'), of('review')];
  const covered = ask && !/does not cover/i.test(ask.text);
  if (!act) return reply.text(covered ? ask.text : "I'm sorry, our knowledge base does not cover that question, so I can't answer it reliably.");
  const sources = covered ? [...new Set(ask.text.match(/\[[^\]#\s]+#\d+\]/g) ?? [])].join(' ') : '';
  const parts = [act.text];
  if (sources) parts.push(`Our policy: ${sources}`);
  if (reviewed && !/^Accepted/i.test(reviewed.text)) parts.push(`A review of this raised concerns: ${reviewed.text}`);
  return reply.text(parts.join('\n\n'));
}

/** A worker, on the messages of its own part of the turn, doing what Overseer's specialist does. */
function work(worker: string, request: ChatCompletionRequest): ChatBehaviour {
  const { customer, after } = currentTurn(request.messages);
  const start = after.findLastIndex((message) => transferOf(message) !== undefined);
  // Its own calls and their results, after the supervisor's transfer and the tool message answering it.
  const own = after.slice(start + 2);
  const intent = intentOf(customer);
  const need = (Object.entries(workerNames) as Array<[Need, string]>).find(([, name]) => name === worker)?.[0] ?? 'ask';
  const task = taskFor(need, intent, customer);
  const results = own.filter((message) => message.role === 'tool').map((message) => textOf(message.content));
  if (need === 'ask') {
    if (results.length === 0) return reply.toolCall(searchToolName, { query: customer });
    return answer({ ...request, tools: [], messages: [{ role: 'user', content: `Task: ${task}\n\nPassages:\n\n${results.at(-1)}` }] });
  }
  if (need === 'review') {
    if (results.length > 0) return reply.text('Accepted: the action follows the cited policy.');
    return review({ ...request, messages: [{ role: 'user', content: `Task: ${task}\nRule checks: []` }] });
  }
  return execute({ ...request, messages: [{ role: 'user', content: `Task: ${task}` }, ...own] });
}
