import { HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { messageText } from './router-prompt.ts';

export const verdictToolName = 'submit_verdict';

export const reviewerSystemPrompt = `You review the work of another agent before it reaches the customer.
Check the answer or the executed actions against the acceptance criteria, the cited policy passages and the rule checks given to you.
Accept only if every criterion is met, every policy claim is supported by a cited passage, and every action is allowed by that policy.
Call ${verdictToolName} exactly once with verdict "accept" or "revise" and concrete reasons.`;

export interface RuleCheck {
  name: string;
  passed: boolean;
  detail: string;
}

/** The reviewer's messages: task, criteria, evidence and the deterministic rule checks as JSON. */
export function buildReviewerMessages(input: {
  task: string;
  acceptanceCriteria: string[];
  evidence: unknown;
  checks: RuleCheck[];
}): BaseMessage[] {
  return [
    new SystemMessage(reviewerSystemPrompt),
    new HumanMessage(
      `Task: ${input.task}\n` +
        `Acceptance criteria: ${JSON.stringify(input.acceptanceCriteria)}\n` +
        `Evidence: ${JSON.stringify(input.evidence)}\n` +
        `Rule checks: ${JSON.stringify(input.checks)}`,
    ),
  ];
}

/** Read back the rule checks; used by the offline reviewer. */
export function readReviewerChecks(messages: BaseMessage[]): RuleCheck[] {
  const human = messages.findLast((message) => HumanMessage.isInstance(message));
  const line = /^Rule checks: (.*)$/m.exec(human ? messageText(human) : '')?.[1];
  if (!line) return [];
  try {
    return JSON.parse(line) as RuleCheck[];
  } catch {
    return [];
  }
}
