import type { ToolGuard } from '../run-tool-call.ts';

/**
 * Run guards in order; the first refusal wins. A guard that replaces the arguments (an
 * approver's edit) ends this pass: `runToolCall` validates the new arguments and runs the
 * whole chain again on them, so every rail sees what will actually execute.
 * @example const guard = composeGuards(inputRails, executionPolicy, approvals);
 */
export function composeGuards(...guards: ToolGuard[]): ToolGuard {
  return async (input) => {
    for (const guard of guards) {
      const decision = await guard(input);
      if (decision.action === 'refuse' || decision.args !== undefined) return decision;
    }
    return { action: 'allow' };
  };
}
