import type { ToolGuard, ToolGuardInput } from '../run-tool-call.ts';
import type { PolicyEngine, PolicyEvaluation, RuleOutcome } from './create-policy-engine.ts';

/** The reviewer's verdict on a proposed call, before approval and before dispatch. */
export interface ActionReview {
  /** `pass`: may run (after approval if a threshold asks); `hold`: only if a person approves; `refuse`: not run. */
  verdict: 'pass' | 'hold' | 'refuse';
  reasons: string[];
  rules: RuleOutcome[];
  facts?: unknown;
  /** The reviewer model's judgment, asked only when the rules did not refuse. */
  model?: ModelVerdict;
}

export interface ModelVerdict {
  verdict: 'accept' | 'revise';
  reasons: string[];
}

/** Asks a reviewer (a model) about a call the rules let through; "revise" refuses it with the reasons. */
export type ActionReviewer = (input: ToolGuardInput, evaluation: PolicyEvaluation) => Promise<ModelVerdict>;

export interface PolicyRuleGuardOptions {
  engine: PolicyEngine;
  reviewer?: ActionReviewer;
  /** Told of every review with the arguments it judged, e.g. to record it beside the action. */
  onReview?: (review: ActionReview, input: ToolGuardInput) => void;
}

/**
 * The pre-action review as a guard: the domain's rules first, on facts the domain looks up
 * itself, then the reviewer model. Placed after the input rails and execution policy and
 * before approval, so an approver only ever sees calls the policy allows, with the verdict
 * attached, and a hold reaches the approval guard as a requirement.
 * @example const guard = composeGuards(inputRails, executionPolicy, createPolicyRuleGuard({ engine }), approvals);
 */
export function createPolicyRuleGuard(options: PolicyRuleGuardOptions): ToolGuard {
  return async (input) => {
    if (input.tool.risk === 'read') return { action: 'allow' };
    const context = { tenantId: input.context.tenantId, idempotencyKey: input.context.idempotencyKey, threadId: input.context.threadId };
    const evaluation = await options.engine.evaluate({ tool: input.tool.name, args: input.args, context });
    if (evaluation.decision === 'refuse') {
      options.onReview?.({ verdict: 'refuse', reasons: [evaluation.message ?? 'refused by policy'], rules: evaluation.outcomes, facts: evaluation.facts }, input);
      return { action: 'refuse', message: evaluation.message ?? 'The policy does not allow this.', ...(evaluation.details ? { details: evaluation.details } : {}) };
    }
    const model = options.reviewer ? await options.reviewer(input, evaluation) : undefined;
    if (model?.verdict === 'revise') {
      const reasons = model.reasons.length > 0 ? model.reasons : ['the reviewer did not accept this action'];
      options.onReview?.({ verdict: 'refuse', reasons, rules: evaluation.outcomes, facts: evaluation.facts, model }, input);
      return { action: 'refuse', message: `The reviewer did not accept this action: ${reasons.join('; ')}` };
    }
    const held = evaluation.decision === 'hold';
    const reasons = held
      ? [evaluation.message ?? 'a person must decide']
      : evaluation.outcomes.map((outcome) => `${outcome.rule}: ${outcome.reason ?? 'allowed'}`);
    const review: ActionReview = { verdict: held ? 'hold' : 'pass', reasons, rules: evaluation.outcomes, facts: evaluation.facts, ...(model ? { model } : {}) };
    options.onReview?.(review, input);
    return {
      action: 'allow',
      findings: {
        review: { verdict: review.verdict, reasons: review.reasons, facts: review.facts },
        ...(held ? { hold: { policy: evaluation.holdingRule ?? 'policy-hold', reason: evaluation.message ?? 'A person must decide.' } } : {}),
      },
    };
  };
}
