import { reply, type ChatBehaviour, type ChatCompletionRequest } from '../openai-compatible-server.ts';
import { intentOf, topicOf, type Intent } from './read-intent.ts';
import { parseObject, pick, textOf, toolsOf, type OfferedTool } from './read-request.ts';

export interface RouterQuirks {
  /** A looping model: hands the question to the knowledge base again and again, reworded each time or word for word. */
  loops?: 'reworded' | 'same';
}

interface Report {
  specialist: string;
  outcome: string;
  summary: string;
  citations: string[];
  actions: Array<{ tool: string; status: string }>;
  reasons: string[];
}

export type Need = 'ask' | 'act' | 'review';

// What a description must say for a reader to send each kind of work there.
const needs: Record<Need, RegExp> = {
  ask: /\b(answers? questions|knowledge base)\b/i,
  act: /\b(acts? on|tools?)\b/i,
  review: /\b(checks? an answer|accepts? it|sends? it back)\b/i,
};
// An action the customer wants, as the acting specialist's description must name it.
const capability: Record<Exclude<Intent['kind'], 'question'>, RegExp> = {
  refund: /\brefund\b/i,
  cancel: /\bcancel\b/i,
  credit: /\bcredit memo\b/i,
  lookup: /\blook up\b/i,
};
const writes = /^(issue|create|cancel)_/;

/**
 * The router as a competent model plays it: it reads the customer's message and the reports
 * of the steps so far, picks the handoff tool whose description matches the work, in the order
 * the system prompt asks (policy before a policy-based action, review after a change), words
 * each task its own way, and writes the final answer only from what the reports say.
 */
export function route(request: ChatCompletionRequest, quirks: RouterQuirks = {}): ChatBehaviour {
  const tools = toolsOf(request);
  const customer = customerMessage(request.messages);
  const reports = reportsOf(request.messages);
  const toolFor = (need: Need) => chooseTool(tools, need);
  if (quirks.loops) {
    const task = quirks.loops === 'same' ? 'Find the refund policy' : `Look once more at the refund policy (attempt ${reports.length + 1})`;
    return handoff(toolFor('ask'), task, ['Cite the policy']);
  }

  const intent = intentOf(customer);
  const plan: Need[] = intent.kind === 'question' ? ['ask'] : intent.kind === 'lookup' ? ['act'] : ['ask', 'act', 'review'];
  if (intent.kind !== 'question' && !capability[intent.kind].test(toolFor('act').description)) {
    return reply.text(`I'm sorry, I can't do that here: none of our specialists can ${intent.kind} an order.`);
  }
  for (const need of plan) {
    const tool = toolFor(need);
    if (reports.some((report) => `handoff_to_${report.specialist}` === tool.name)) continue;
    if (need === 'review' && !changedSomething(reports)) break;
    // A question or a look-up needs nothing after its one step: ask for its answer to be the reply, when the tool offers that.
    const direct = plan.length === 1 && tool.parameters.properties?.replyDirectly !== undefined;
    return handoff(tool, taskFor(need, intent, customer), criteriaFor(need), direct);
  }
  return reply.text(finalAnswer(reports, tools));
}

function chooseTool(tools: OfferedTool[], need: Need): OfferedTool {
  const matching = tools.filter((tool) => tool.name.startsWith('handoff_to_') && needs[need].test(tool.description));
  // A competent model cannot pick between two tools that read alike, nor find one that is not described: our descriptions must say.
  if (matching.length !== 1) throw new Error(`policy-following model: ${matching.length} handoff tools describe the "${need}" work: ${tools.map((tool) => tool.name).join(', ')}`);
  return matching[0]!;
}

function handoff(tool: OfferedTool, task: string, acceptanceCriteria: string[], replyDirectly = false): ChatBehaviour {
  return reply.toolCall(tool.name, { task, acceptanceCriteria, context: '', ...(replyDirectly ? { replyDirectly } : {}) });
}

/** Models word tasks their own way; the choice varies by request, never between runs. */
export function taskFor(need: Need, intent: Intent, customer: string): string {
  if (intent.kind === 'question') {
    return pick(customer, [
      `Answer this customer question from the knowledge base, citing the passages: ${customer}`,
      `The customer asks: "${customer}" Answer from the help articles and cite them.`,
      `Find what our policies say to answer this, with citations: ${customer}`,
    ]);
  }
  const order = `order ${intent.orderId}`;
  if (need === 'ask') {
    return pick(customer, [
      `Find the policy that governs ${topicOf(intent)} and quote the passages that apply.`,
      `What does our policy say about ${topicOf(intent)}? Cite the passages.`,
    ]);
  }
  const doing = { refund: 'Refund', cancel: 'Cancel', credit: 'Give store credit on', lookup: 'Look up' }[intent.kind];
  if (need === 'act') {
    return pick(customer, [
      `${doing} ${order}. The customer wrote: "${customer}"`,
      `${doing} ${order} if the policy allows it; look the order up first. Customer's message: "${customer}"`,
    ]);
  }
  return `Review what was done on ${order} against the policy and the customer's request: "${customer}"`;
}

export function criteriaFor(need: Need): string[] {
  if (need === 'ask') return ['Every claim cites a passage', 'Say so if the knowledge base does not cover it'];
  if (need === 'act') return ['Only what the customer asked for is done', 'Amounts come from the order records'];
  return ['Every action is allowed by the cited policy'];
}

/** The customer's latest message: the last one before the hops of this request. */
function customerMessage(messages: ChatCompletionRequest['messages']): string {
  const firstHop = messages.findIndex((message) => message.role === 'assistant' && (message.tool_calls?.length ?? 0) > 0);
  const conversation = firstHop === -1 ? messages : messages.slice(0, firstHop);
  return textOf(conversation.findLast((message) => message.role === 'user')?.content);
}

function reportsOf(messages: ChatCompletionRequest['messages']): Report[] {
  return messages
    .filter((message) => message.role === 'tool')
    .map((message) => parseObject(textOf(message.content)) as unknown as Report)
    .filter((report) => typeof report.specialist === 'string');
}

function changedSomething(reports: Report[]): boolean {
  return reports.some((report) => report.actions?.some((action) => action.status === 'ok' && writes.test(action.tool)));
}

/** Only what the reports say, in the customer's terms, with the policy passages cited. */
function finalAnswer(reports: Report[], tools: OfferedTool[]): string {
  const of = (need: Need) => reports.findLast((report) => `handoff_to_${report.specialist}` === chooseTool(tools, need).name);
  const [ask, act, review] = [of('ask'), of('act'), of('review')];
  const sources = (ask?.outcome === 'answered' ? ask.citations : []).map((citation) => `[${citation}]`).join(' ');
  if (!act) {
    if (ask?.outcome === 'answered') return ask.summary;
    return "I'm sorry, our knowledge base does not cover that question, so I can't answer it reliably.";
  }
  const parts = [act.outcome === 'failed' ? `I could not complete this. ${act.summary}` : act.summary];
  if (sources) parts.push(`Our policy: ${sources}`);
  if (review && review.outcome !== 'accepted') parts.push(`A review of this raised concerns: ${review.reasons.join('; ')}`);
  return parts.join('\n\n');
}
