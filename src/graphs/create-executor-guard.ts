import {
  brightcartApprovalRules,
  brightcartExecutionPolicies,
  composeGuards,
  createApprovalGuard,
  createApprovalPolicy,
  createExecutionPolicyGuard,
  createInputRailGuard,
  type ToolGuard,
} from '../tools/index.ts';
import type { GraphDependencies } from './graph-dependencies.ts';

/**
 * The executor's guard chain, in the order that keeps it safe: input rails (flagged content
 * cannot direct actions), execution policy (hard caps, destructive SQL, host allow-lists),
 * then approval (a person for anything above threshold or touched by flagged input).
 */
export function createExecutorGuard(dependencies: Pick<GraphDependencies, 'safety' | 'audit'>, extra?: ToolGuard): ToolGuard {
  const { safety, audit } = dependencies;
  const approvalPolicy = createApprovalPolicy({ rules: safety?.approvalRules ?? brightcartApprovalRules });
  const approval: ToolGuard = safety
    ? createApprovalGuard({
        policy: approvalPolicy,
        store: safety.approvals,
        clock: safety.clock,
        ttlMs: safety.approvalTtlMs,
        onRequested: async (request) => {
          await audit?.append({
            tenantId: request.tenantId,
            type: 'tool.approval_requested',
            threadId: request.threadId,
            ...(request.runId ? { runId: request.runId } : {}),
            actor: 'system',
            data: { approvalId: request.id, tool: request.tool, argsHash: request.argsHash, policy: request.policy, reason: request.reason },
          });
        },
      })
    : async (input) => {
        const requirement = approvalPolicy.evaluate(input);
        return requirement.required
          ? { action: 'refuse', message: `${requirement.reason} No approver is configured, so the call is refused.` }
          : { action: 'allow' };
      };
  return composeGuards(
    createInputRailGuard(),
    createExecutionPolicyGuard(safety?.executionPolicies ?? brightcartExecutionPolicies),
    ...(extra ? [extra] : []),
    approval,
  );
}
