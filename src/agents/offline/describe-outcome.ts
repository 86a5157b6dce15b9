import type { ObservedOutcome } from '../../contracts/index.ts';

// Sentences addressed to the model, not to the customer.
const instructions = /[^.]*\b(?:Do not retry|Continue without it|tell the user|Ask again if|Fix exactly)\b[^.]*\.\s*/gi;

export interface DescribeOutcomeOptions {
  /** Tool names that must not reach the customer. */
  toolNames?: string[];
  /** How a customer hears that a tool's action did not happen, per tool (from the domain). */
  notDone?: Record<string, string>;
}

/**
 * What the customer reads about a tool outcome: the tool's own customer summary when it gives
 * one, and for a refusal the reason without tool names or instructions meant for the model.
 * @example describeOutcome('issue_refund', outcome, { notDone: { issue_refund: 'No refund was issued' } })
 */
export function describeOutcome(tool: string, outcome: ObservedOutcome, options: DescribeOutcomeOptions = {}): string {
  if (outcome.status === 'ok') {
    const result = outcome.result ?? {};
    for (const field of ['customerSummary', 'summary', 'explanation']) {
      if (typeof result[field] === 'string') return result[field] as string;
    }
    return 'Done.';
  }
  const lead = options.notDone?.[tool] ?? 'That could not be done';
  if (outcome.status === 'invalid') return `${lead}: the request could not be carried out as asked.`;
  const message = customerSafe(outcome.message ?? '', options.toolNames ?? [tool]);
  return message ? `${lead}. ${message}` : `${lead}.`;
}

/** A tool or guard message with tool names and instructions meant for the model taken out. */
export function customerSafe(message: string, toolNames: string[]): string {
  let text = message.replace(instructions, '');
  for (const name of toolNames) {
    text = text.replace(new RegExp(`(?:(?:this|the|a) )?"${name}"(?: calls?)?`, 'g'), 'this request').replaceAll(name, 'this request');
  }
  return text.trim();
}
