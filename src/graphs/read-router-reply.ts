import type { BaseMessage } from '@langchain/core/messages';
import { buildReprompt, handoffToolName, readToolReply } from '../agents/index.ts';
import { handoffSchema, specialistNames } from '../contracts/index.ts';
import type { PendingHandoff } from './state.ts';

export type RouterDecision =
  /** Act on the first valid handoff; the other calls of the reply are named, not acted on. */
  | { kind: 'handoff'; pending: PendingHandoff; ignored: string[] }
  | { kind: 'answer'; text: string; messageId?: string }
  /** Nothing usable: `messages` hand the reply back with its exact problem. */
  | { kind: 'reprompt'; problem: string; messages: BaseMessage[] };

const handoffNames = specialistNames.map(handoffToolName);
const oneAtATime = 'ignored: one handoff at a time';

/**
 * Read the router model's reply as real models send it: several calls at once (parallel tool
 * calls, whatever `parallel_tool_calls` said), calls to tools that do not exist, arguments that
 * are not JSON or not a handoff, prose, or nothing at all.
 */
export function readRouterReply(reply: BaseMessage): RouterDecision {
  const read = readToolReply(reply, 'router_call');
  const answers = new Map<string, string>();
  const problems: string[] = [];
  let chosen: { id: string; pending: PendingHandoff } | undefined;
  for (const call of read.calls) {
    const specialist = specialistNames.find((name) => handoffToolName(name) === call.name);
    if (!specialist) {
      answers.set(call.id, `Unknown tool "${call.name}": nothing was done. Use one of ${handoffNames.join(', ')}.`);
      problems.push(`unknown tool "${call.name}"`);
      continue;
    }
    const handoff = handoffSchema.safeParse(withLenientFlag(call.args));
    if (!handoff.success) {
      const issues = handoff.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
      answers.set(call.id, `Invalid handoff: ${issues}`);
      problems.push(`${call.name}: ${issues}`);
      continue;
    }
    chosen ??= { id: call.id, pending: { specialist, ...handoff.data } };
  }
  if (chosen) {
    return { kind: 'handoff', pending: chosen.pending, ignored: read.calls.filter((call) => call.id !== chosen.id).map((call) => call.name) };
  }
  if (read.calls.length === 0 && read.malformed.length === 0 && read.text) {
    return { kind: 'answer', text: read.text, ...(reply.id ? { messageId: reply.id } : {}) };
  }
  problems.push(...read.malformed.map((call) => `malformed JSON arguments for ${call.name}`));
  if (read.empty) problems.push('empty reply');
  const instruction = read.empty
    ? 'Your reply was empty. Call exactly one handoff tool, or reply with the final answer to the user.'
    : 'Call exactly one handoff tool with valid arguments, or reply with the final answer to the user.';
  return { kind: 'reprompt', problem: problems.join('; '), messages: buildReprompt(read, { answers, otherwise: oneAtATime, problems: [instruction] }) };
}

/**
 * `replyDirectly` as models send it: some send the JSON strings "true" and "false" for a
 * boolean. Read those as what they say rather than spend a routing call on a reprompt; any
 * other value is still refused by the schema.
 */
function withLenientFlag(args: unknown): unknown {
  if (typeof args !== 'object' || args === null || !('replyDirectly' in args)) return args;
  const flag = (args as { replyDirectly: unknown }).replyDirectly;
  return flag === 'true' || flag === 'false' ? { ...args, replyDirectly: flag === 'true' } : args;
}
