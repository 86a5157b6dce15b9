import {
  composeGuards,
  createApprovalGuard,
  createApprovalPolicy,
  createExecutionPolicyGuard,
  createInputRailGuard,
  createPolicyRuleGuard,
  type ActionReviewer,
  type PolicyRuleGuardOptions,
  type ToolGuard,
} from '../tools/index.ts';
import type { GraphDependencies } from './graph-dependencies.ts';

export interface ExecutorGuardOptions {
  /** An extra guard, after the execution policy and before the pre-action review. */
  extra?: ToolGuard;
  /** The reviewer model's judgment, asked after the domain's rules let a call through. */
  reviewer?: ActionReviewer;
  /** Told of every pre-action review, to record it beside the action. */
  onReview?: PolicyRuleGuardOptions['onReview'];
}

/**
 * The executor's guard chain, in the order that keeps it safe: input rails (flagged content
 * cannot direct actions), execution policy (hard caps, destructive SQL, host allow-lists),
 * the pre-action review (the domain's policy rules on facts it looks up, then the reviewer
 * model), then approval (a person for anything above threshold, held by a rule, or touched
 * by flagged input), so the approver sees only calls the policy allows, with the verdict.
 */
export function createExecutorGuard(dependencies: Pick<GraphDependencies, 'safety' | 'audit'>, options: ExecutorGuardOptions = {}): ToolGuard {
  const { safety, audit } = dependencies;
  const approvalPolicy = createApprovalPolicy({ rules: safety?.approvalRules ?? [] });
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
            data: { approvalId: request.id, tool: request.tool, argsHash: request.argsHash, policy: request.policy, reason: request.reason, review: request.review },
          });
        },
      })
    : async (input) => {
        const requirement = approvalPolicy.evaluate(input);
        const reason = requirement.required ? requirement.reason : input.findings?.hold?.reason;
        return reason !== undefined
          ? { action: 'refuse', message: `${reason} No approver is configured, so the call is refused.` }
          : { action: 'allow' };
      };
  const review = safety?.policy
    ? [createPolicyRuleGuard({ engine: safety.policy, reviewer: options.reviewer, onReview: options.onReview })]
    : [];
  return composeGuards(
    createInputRailGuard(),
    createExecutionPolicyGuard(safety?.executionPolicies ?? []),
    ...(options.extra ? [options.extra] : []),
    ...review,
    approval,
  );
}
