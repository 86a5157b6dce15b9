import { reply, type ChatBehaviour, type ChatCompletionRequest } from '../openai-compatible-server.ts';
import { centsIn, orderIdIn, parseObject, textOf, toolsOf } from './read-request.ts';

interface RuleCheck {
  name: string;
  passed: boolean;
  detail: string;
}

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/**
 * The reviewer as a careful model plays it, with the verdict tool it is offered: a failed rule
 * check is a reason to send the work back; before an action, it also checks that the proposed
 * call is what the task asks (the same order, the amount asked for).
 */
export function review(request: ChatCompletionRequest): ChatBehaviour {
  const verdictTool = toolsOf(request).find((tool) => /verdict/i.test(tool.name));
  if (!verdictTool) throw new Error('policy-following model: asked to review without a verdict tool');
  const prompt = textOf(request.messages.findLast((message) => message.role === 'user' && /^Task: /m.test(textOf(message.content)))?.content);
  const checks = JSON.parse(/^Rule checks: (.*)$/m.exec(prompt)?.[1] ?? '[]') as RuleCheck[];
  const reasons = checks.filter((check) => !check.passed).map((check) => check.detail);
  const proposal = /^Proposed action: (.*)$/m.exec(prompt)?.[1];
  if (proposal) reasons.push(...mismatches(/^Task: (.*)$/m.exec(prompt)?.[1] ?? '', parseObject(proposal) as { args?: Record<string, unknown> }));
  return reply.toolCall(verdictTool.name, reasons.length > 0
    ? { verdict: 'revise', reasons }
    : { verdict: 'accept', reasons: [proposal ? 'The rules allow it and it is what the task asks for' : 'Every check passed and the work is backed by the cited policy'] });
}

function mismatches(task: string, proposal: { args?: Record<string, unknown> }): string[] {
  const args = proposal.args ?? {};
  const reasons: string[] = [];
  const orderId = orderIdIn(task);
  if (orderId !== undefined && args.orderId !== undefined && args.orderId !== orderId) reasons.push(`the task is about order ${orderId}, not order ${String(args.orderId)}`);
  const asked = centsIn(task);
  if (asked !== undefined && typeof args.amountCents === 'number' && args.amountCents !== asked) {
    reasons.push(`the customer asked for ${dollars(asked)}, not ${dollars(args.amountCents)}`);
  }
  return reasons;
}
