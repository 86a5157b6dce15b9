import { HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { expect } from 'vitest';
import { ScriptedChatModel, type ScriptedReply } from '../../src/agents/index.ts';
import { refundsOf, userMessage, type TestHarness } from './test-services.ts';

/**
 * What the policy scenario suite shares: asking over HTTP, the effects each case expects, an
 * independent check that an answer's citations and numbers stand on what the run found, the
 * tally the suite prints for the closing note, and scripted models that act as a model would.
 */
export interface ScenarioValues {
  __interrupt__?: Array<{ value: { approvalId: string; tool: string; policy: string; reason: string; args: Record<string, unknown>; review?: { verdict: string; reasons: string[]; facts: Record<string, unknown> } } }>;
  messages: Array<{ type: string; content: string; response_metadata?: { status?: string; reason?: string; grounding?: { problems: string[]; revised: boolean; setAside: string[] } } }>;
  steps: Array<{
    specialist: string;
    outcome: string;
    summary: string;
    reasons: string[];
    flags: Array<{ rule: string; origin?: string }>;
    citations: Array<{ documentId: string; chunkIndex: number }>;
    passages: Array<{ documentId: string; chunkIndex: number; text: string; scope?: string; setAside?: string }>;
    actions: Array<{ tool: string; status: string; args: Record<string, unknown>; message?: string; result?: unknown; review?: { verdict: string } }>;
  }>;
}

// Internal details a customer must never read.
const internal = /\bcents\b|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z]+[A-Z][A-Za-z]*\b|\{"/;

/** What the suite found, case by case, for the closing note. */
export const tally = {
  requests: 0,
  scriptedRequests: 0,
  heldForApproval: 0,
  partialAnswers: 0,
  violations: [] as string[],
  ungrounded: [] as string[],
};

/** One customer request on a fresh thread, through HTTP; its final answer is checked for internal text and grounding. */
export async function ask(harness: TestHarness, content: string, options: { scripted?: boolean } = {}) {
  tally.requests += 1;
  if (options.scripted) tally.scriptedRequests += 1;
  const thread = (await (await harness.post('/threads', {})).json()) as { thread_id: string };
  const response = await harness.post(`/threads/${thread.thread_id}/runs/wait`, { assistant_id: 'supervisor', input: userMessage(content) });
  expect(response.status).toBe(200);
  const values = (await response.json()) as ScenarioValues;
  const interrupted = Boolean(values.__interrupt__?.length);
  if (interrupted) tally.heldForApproval += 1;
  const last = values.messages.at(-1)!;
  const answer = interrupted ? '' : last.content;
  if (answer) {
    expect(answer, 'customer-ready text').not.toMatch(internal);
    recordGrounding(content, answer, values);
    if (last.response_metadata?.status === 'partial') tally.partialAnswers += 1;
  }
  const executor = values.steps.find((step) => step.specialist === 'executor');
  return { threadId: thread.thread_id, values, answer, approval: values.__interrupt__?.[0]?.value, actions: executor?.actions ?? [], metadata: last.response_metadata };
}

/** The refunds an order has, in cents, checked against what the policy gives; a difference is a policy violation. */
export function expectRefunds(harness: TestHarness, orderId: number, expected: number[], request = `order ${orderId}`) {
  const actual = refundsOf(harness.services, orderId).map((row) => row.amount_cents as number);
  if (JSON.stringify(actual) !== JSON.stringify(expected)) tally.violations.push(`${request}: refunds ${JSON.stringify(actual)}, policy gives ${JSON.stringify(expected)}`);
  expect(actual).toEqual(expected);
}

/** Whether an order is cancelled, checked the same way. */
export function expectCancelled(harness: TestHarness, orderId: number, expected: boolean, request = `order ${orderId}`) {
  const row = harness.services.database.prepare('SELECT status FROM orders WHERE id = ?').get(orderId) as { status: string };
  if ((row.status === 'cancelled') !== expected) tally.violations.push(`${request}: order is ${row.status}, policy gives ${expected ? 'cancelled' : 'not cancelled'}`);
  expect(row.status === 'cancelled').toBe(expected);
}

const quantityPattern = /\$\d[\d,]*(?:\.\d{2})?|\b\d+(?:\.\d+)?%|\b\d+(?:\s?[–-]\s?\d+)?[\s-](?:calendar |business )?(?:day|hour|month|week|year)s?\b/g;

/**
 * The suite's own check, written apart from the service's: every `[document#chunk]` names a
 * passage the run retrieved and did not set aside, and every amount, percentage and duration
 * is found, as written or as cents, in a passage the run cited or in a tool result.
 */
export function ungroundedIn(answer: string, values: ScenarioValues): string[] {
  const passages = values.steps.flatMap((step) => step.passages ?? []).filter((passage) => !passage.setAside);
  const label = (passage: { documentId: string; chunkIndex: number }) => `${passage.documentId}#${passage.chunkIndex}`;
  const cited = new Set([...values.steps.flatMap((step) => step.citations ?? []).map(label), ...[...answer.matchAll(/\[([^\]#\s]+#\d+)\]/g)].map((match) => match[1]!)]);
  const problems = [...answer.matchAll(/\[([^\]#\s]+#\d+)\]/g)]
    .map((match) => match[1]!)
    .filter((citation) => !passages.some((passage) => label(passage) === citation))
    .map((citation) => `unresolved citation [${citation}]`);
  const evidence = [
    ...passages.filter((passage) => cited.has(label(passage))).map((passage) => passage.text),
    ...values.steps.flatMap((step) => step.actions).map((action) => JSON.stringify({ result: action.result, message: action.message, review: action.review })),
  ].join('\n').replaceAll('**', '').replace(/[‐-―]/g, '-');
  for (const [quantity] of answer.replace(/\[[^\]]+\]/g, '').matchAll(quantityPattern)) {
    const plain = quantity.replace(/[‐-―]/g, '-').replace(/s$/, '');
    const cents = /^\$([\d,]+)(?:\.(\d{2}))?$/.exec(quantity);
    const asCents = cents ? String(Number(cents[1]!.replaceAll(',', '')) * 100 + Number(cents[2] ?? 0)) : undefined;
    if (!evidence.includes(plain) && !(asCents && new RegExp(`Cents":${asCents}\\b`).test(evidence))) problems.push(`unsupported "${quantity}"`);
  }
  return problems;
}

function recordGrounding(request: string, answer: string, values: ScenarioValues) {
  const problems = ungroundedIn(answer, values);
  if (problems.length > 0) tally.ungrounded.push(`${request}: ${problems.join('; ')}`);
  expect(problems, 'every citation and number stands on what the run found').toEqual([]);
}

/** The closing note's figures. */
export function printTally(): void {
  console.log(
    [
      `policy scenarios: ${tally.requests} customer requests (${tally.requests - tally.scriptedRequests} on the offline model, ${tally.scriptedRequests} on scripted models), ${tally.heldForApproval} held for approval, ${tally.partialAnswers} answered partial`,
      `policy violations: ${tally.violations.length}${tally.violations.length ? ` (${tally.violations.join(' | ')})` : ''}`,
      `answers with an unresolved citation or unsupported number: ${tally.ungrounded.length}${tally.ungrounded.length ? ` (${tally.ungrounded.join(' | ')})` : ''}`,
    ].join('\n'),
  );
}

type ToolReport = { status: string; result?: { customerSummary?: string }; message?: string; details?: { maxAmountCents?: number } };

const toolReports = (messages: BaseMessage[]) =>
  messages.filter((message) => ToolMessage.isInstance(message)).map((message) => JSON.parse(String(message.content)) as ToolReport);

/**
 * An executor as a model plays it: it proposes the calls the case gives (each a function of
 * what the tools said so far, so it can take up the maximum a refusal names), and when done
 * tells the customer what the last tool said, in the customer's words.
 */
export function executorLike(proposals: Array<(reports: ToolReport[]) => { name: string; args: Record<string, unknown> }>) {
  return new ScriptedChatModel([
    (messages): ScriptedReply => {
      const reports = toolReports(messages);
      if (reports.length < proposals.length) return { toolCalls: [proposals[reports.length]!(reports)] };
      const last = reports.at(-1);
      if (last?.status === 'ok') return { content: last.result?.customerSummary ?? 'Done.' };
      // A refusal is passed on as the tools gave it, without tool names.
      return { content: `I could not do that. ${(last?.message ?? '').replace(/\b[a-z]+(?:_[a-z]+)+\b/g, 'this request')}`.trim() };
    },
  ], { whenExhausted: 'repeat-last' });
}

/**
 * A supervisor as a model plays it: hands the customer's words to each specialist in turn,
 * then answers with what the last one reported, or with `answer` (a function of the router's
 * view) when given. Asked to revise, it gives `revision` when scripted, or its answer again.
 */
export function supervisorLike(route: Array<'retriever' | 'executor'>, options: { answer?: (messages: BaseMessage[]) => string; revision?: (messages: BaseMessage[]) => string } = {}) {
  return new ScriptedChatModel([
    (messages): ScriptedReply => {
      const system = messages.find((message) => SystemMessage.isInstance(message));
      const request = String(messages.findLast((message) => HumanMessage.isInstance(message))?.content ?? '');
      if (system && String(system.content).startsWith('You revise the final answer')) {
        return { content: options.revision ? options.revision(messages) : (/^Answer:\n([\s\S]*?)\n\nProblems:/.exec(request)?.[1] ?? '') };
      }
      const reports = messages.filter((message) => ToolMessage.isInstance(message)).map((message) => JSON.parse(String(message.content)) as { summary: string });
      if (reports.length < route.length) {
        return { toolCalls: [{ name: `handoff_to_${route[reports.length]}`, args: { task: request, acceptanceCriteria: [], context: '' } }] };
      }
      return { content: options.answer ? options.answer(messages) : (reports.at(-1)?.summary ?? 'Done.') };
    },
  ], { whenExhausted: 'repeat-last' });
}
