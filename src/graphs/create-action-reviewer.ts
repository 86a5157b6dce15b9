import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { buildActionReviewMessages, chooseModelTier, selectModel, type ModelsByRole } from '../agents/index.ts';
import type { AuditLog } from '../observability/index.ts';
import type { ActionReviewer } from '../tools/index.ts';
import { requestVerdict } from './request-verdict.ts';

/**
 * The reviewer model's part of the pre-action review: after the rules let a call through, it
 * judges the call against the task, the facts and the policy passages. A model that gives no
 * valid verdict does not accept: the call goes back to the executor.
 */
export function createActionReviewer(input: {
  models: ModelsByRole;
  task: string;
  policyContext: string;
  config: LangGraphRunnableConfig;
  audit?: AuditLog;
}): ActionReviewer {
  return async ({ tool, args }, evaluation) => {
    const checks = evaluation.outcomes.map((outcome) => ({
      name: outcome.rule,
      // A hold is not a failure: the rules allow the call once a person approves it.
      passed: outcome.decision !== 'refuse',
      detail: outcome.reason ?? outcome.decision,
    }));
    const messages = buildActionReviewMessages({ task: input.task, proposal: { tool: tool.name, args }, facts: evaluation.facts, checks, policyContext: input.policyContext });
    // Forced verdict, bounded re-prompts, provider failures as MODEL_* errors: as for the reviewer specialist.
    const modelFor = (attempt: number) => selectModel(input.models, 'reviewer', chooseModelTier({ step: 'review_action', attempt }));
    const answer = await requestVerdict(modelFor, messages, { config: input.config, audit: input.audit });
    return 'verdict' in answer ? answer.verdict : { verdict: 'revise', reasons: [`the reviewer model gave no valid verdict (${answer.problem})`] };
  };
}
