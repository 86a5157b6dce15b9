import type { ToolGuard, ToolGuardDecision } from '../run-tool-call.ts';

/**
 * Run guards in order; the first refusal wins. A guard that replaces the arguments (an
 * approver's edit) ends this pass: `runToolCall` validates the new arguments and runs the
 * whole chain again on them, so every rail sees what will actually execute.
 * @example const guard = composeGuards(inputRails, executionPolicy, approvals);
 */
export function composeGuards(...guards: ToolGuard[]): ToolGuard {
  return async (input) => {
    // Findings (a hold, a review) travel to the later guards, e.g. from policy rules to approval.
    let current = input;
    // A person's decision the call was resumed with stays on the result, for the call's span.
    let approval: ToolGuardDecision['approval'];
    for (const guard of guards) {
      const decision = await guard(current);
      if (decision.action === 'refuse' || decision.args !== undefined) return decision;
      if (decision.findings) current = { ...current, findings: { ...current.findings, ...decision.findings } };
      approval = decision.approval ?? approval;
    }
    return { action: 'allow', ...(current.findings ? { findings: current.findings } : {}), ...(approval ? { approval } : {}) };
  };
}
