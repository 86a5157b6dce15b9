import { AppError } from '../errors.ts';
import type { ActionRecord, SpecialistName, Step } from '../contracts/index.ts';
import type { RunResult } from './state.ts';

const settledOutcomes = new Set(['answered', 'not_covered', 'completed', 'no_action', 'accepted']);

/** Writes that happened, or may have (in doubt): what a customer must be told whatever else fails. */
export function effectsDone(steps: Step[]): ActionRecord[] {
  return steps.flatMap((step) => step.actions).filter((action) => action.risk !== 'read' && (action.status === 'ok' || action.status === 'in_doubt'));
}

/** `issue_refund {"orderId":1001,"amountCents":12999} (ok)` */
export function describeAction(action: Pick<ActionRecord, 'tool' | 'args' | 'status'>): string {
  return `${action.tool} ${JSON.stringify(action.args)} (${action.status === 'ok' ? 'done' : action.status})`;
}

/** Steps that failed or were sent back and that no later step of the same specialist made good. */
export function unresolvedSteps(steps: Step[]): Step[] {
  return steps.filter(
    (step, index) =>
      !settledOutcomes.has(step.outcome) &&
      !steps.slice(index + 1).some((later) => later.specialist === step.specialist && settledOutcomes.has(later.outcome)),
  );
}

/** What an unresolved step says went wrong, in one line. */
export function unresolvedReason(step: Step): string {
  const why = step.reasons[0] ?? step.summary;
  return step.outcome === 'revise' ? `the reviewer sent the work back: ${why}` : `the ${step.specialist} ${step.outcome}: ${why}`;
}

function progressLines(steps: Step[]): string {
  return steps
    .map((step) => {
      const reasons = step.reasons.filter((reason) => !step.summary.includes(reason));
      return `- ${step.specialist} (${step.outcome}): ${step.summary}${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}`;
    })
    .join('\n');
}

/** A partial answer says why it stopped and what was done, from the reports alone. */
export function partialResult(steps: Step[], reason: string, error?: RunResult['error']): RunResult {
  const effects = effectsDone(steps);
  const progress = progressLines(steps);
  return {
    status: 'partial',
    reason,
    ...(error ? { error } : {}),
    answer:
      `I stopped before finishing: ${reason}.` +
      (effects.length > 0 ? `\nAlready done: ${effects.map(describeAction).join('; ')}.` : '') +
      (progress ? `\nWhat was done so far:\n${progress}` : ' Nothing was done.'),
  };
}

/**
 * A model failure that ends the request before anything changed: the same error, its message
 * saying which steps had completed, so the caller knows what is safe to ask again.
 */
export function withProgress(error: AppError, steps: Step[], failed: SpecialistName | 'router'): AppError {
  const completed = steps.map((step) => `${step.specialist} (${step.outcome})`);
  const progress = completed.length > 0 ? `Completed before the ${failed} failed: ${completed.join(', ')}; nothing was changed.` : 'Nothing was done.';
  return new AppError(error.code, `${error.message}. ${progress}`, { cause: error, details: error.details, headers: error.headers });
}
