import type { Outcome } from './offline-execution-facts.ts';

// The sample domain's tools, as a customer would name what they do.
const notDone: Record<string, string> = {
  issue_refund: 'No refund was issued',
  create_credit_memo: 'No store credit was added',
  cancel_order: 'The order was not cancelled',
  lookup_order: 'The order could not be looked up',
  check_shipment_sla: 'The delivery could not be checked',
  compute_late_penalty: 'The late-delivery credit could not be worked out',
};

// Sentences addressed to the model, not to the customer.
const instructions = /[^.]*\b(?:Do not retry|Continue without it|tell the user|Ask again if|Fix exactly)\b[^.]*\.\s*/gi;

/**
 * What the customer reads about a tool outcome: the tool's own customer summary when it gives
 * one, and for a refusal the reason without tool names or instructions meant for the model.
 */
export function describeOutcome(tool: string, outcome: Outcome, toolNames: string[] = Object.keys(notDone)): string {
  if (outcome.status === 'ok') {
    const result = outcome.result ?? {};
    for (const field of ['customerSummary', 'summary', 'explanation']) {
      if (typeof result[field] === 'string') return result[field] as string;
    }
    return 'Done.';
  }
  const lead = notDone[tool] ?? 'That could not be done';
  if (outcome.status === 'invalid') return `${lead}: the request could not be carried out as asked.`;
  const message = customerSafe(outcome.message ?? '', toolNames);
  return message ? `${lead}. ${message}` : `${lead}.`;
}

/** A tool or guard message with tool names and instructions meant for the model taken out. */
export function customerSafe(message: string, toolNames: string[] = Object.keys(notDone)): string {
  let text = message.replace(instructions, '');
  for (const name of toolNames) {
    text = text.replace(new RegExp(`(?:(?:this|the|a) )?"${name}"(?: calls?)?`, 'g'), 'this request').replaceAll(name, 'this request');
  }
  return text.trim();
}
