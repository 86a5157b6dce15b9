import type { BaseMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { buildReprompt, readToolReply, verdictToolName, type SelectedModel } from '../agents/index.ts';
import type { AuditLog } from '../observability/index.ts';
import { callModel, recordReprompt } from './call-model.ts';
import { verdictSchema, verdictTool } from './verdict-tool.ts';

export type Verdict = ReturnType<typeof verdictSchema.parse>;

/** Replies a reviewer model may give before its verdict counts as missing. */
const verdictAttempts = 3;

/**
 * Ask the reviewer model for its verdict. The protocol needs a verdict, not prose, so the
 * verdict tool is forced (`tool_choice`); a model or server that ignores that and answers in
 * prose, sends malformed or invalid arguments, or nothing, is told exactly that, a bounded number
 * of times. Without a verdict at the end the result says what was wrong last. `modelFor` picks
 * the model of each attempt (the routing policy sends a retry to the premium one).
 */
export async function requestVerdict(
  modelFor: (attempt: number) => SelectedModel,
  messages: BaseMessage[],
  context: { config: LangGraphRunnableConfig; audit?: AuditLog },
): Promise<{ verdict: Verdict } | { problem: string }> {
  const conversation = [...messages];
  let problem = '';
  for (let attempt = 1; attempt <= verdictAttempts; attempt += 1) {
    const selected = modelFor(attempt);
    const bound = selected.model.bindTools!([verdictTool], { tool_choice: verdictToolName, parallel_tool_calls: false } as never);
    const reply = await callModel(bound, conversation, { role: 'reviewer', config: context.config, audit: context.audit, tier: selected });
    const read = readToolReply(reply, 'verdict_call');
    const answers = new Map<string, string>();
    let verdict: Verdict | undefined;
    for (const call of read.calls) {
      if (call.name !== verdictToolName) {
        answers.set(call.id, `Unknown tool "${call.name}": give the verdict with ${verdictToolName}.`);
        continue;
      }
      const parsed = verdictSchema.safeParse(call.args);
      if (parsed.success) verdict ??= parsed.data;
      else answers.set(call.id, `Invalid verdict: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
    }
    if (verdict) return { verdict };
    problem = read.empty
      ? 'empty reply'
      : answers.size > 0
        ? [...answers.values()].join('; ')
        : read.malformed.length > 0
          ? `malformed JSON arguments for ${read.malformed[0]!.name}`
          : `answered in prose instead of calling ${verdictToolName}`;
    if (attempt === verdictAttempts) break;
    await recordReprompt(context.audit, context.config, { role: 'reviewer', attempt, problem });
    conversation.push(
      ...buildReprompt(read, {
        answers,
        otherwise: 'ignored: one verdict at a time',
        problems: [`Your reply gave no verdict (${problem}). Call ${verdictToolName} exactly once with {"verdict": "accept" or "revise", "reasons": [...]}; do not answer in prose.`],
      }),
    );
  }
  return { problem };
}
