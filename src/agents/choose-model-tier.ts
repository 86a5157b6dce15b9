/** Which of a role's two models a call goes to: the cheap routine one or the premium one. */
export type ModelTier = 'routine' | 'premium';

/** The model call about to be made, in the terms the routing policy decides by. */
export type ModelStep =
  /** The supervisor picks the next specialist or writes the final answer. */
  | { step: 'route' }
  /** The supervisor rewrites a final answer that failed the grounding check. */
  | { step: 'revise_answer' }
  /** The retriever answers from passages; `attempt` counts replies asked for (2 after an empty one). */
  | { step: 'answer'; attempt: number }
  /**
   * The executor's next turn. `mayWrite`: a write or irreversible tool is bound to it;
   * `factsLooked`: earlier turns ran reads; `effectDone`: a change already ran;
   * `afterFailure`: its last proposal was invalid, malformed, refused or empty.
   */
  | { step: 'plan'; mayWrite: boolean; factsLooked: boolean; effectDone: boolean; afterFailure: boolean }
  /** The reviewer's verdict on a report, after the rule checks; `attempt` > 1 after a reply without a valid verdict. */
  | { step: 'review'; attempt: number; failedChecks: boolean }
  /** The reviewer model's pre-action review of a call the policy rules already let through. */
  | { step: 'review_action'; attempt: number };

export interface TierChoice {
  tier: ModelTier;
  /** Why, in a few words (audited on spans and in the usage record's metadata). */
  reason: string;
}

/**
 * The routing policy: routine work (routing, answering from passages, rule-backed reviews,
 * reads and summaries) goes to the routine model; the calls where a mistake costs money or
 * repeats a failure go to the premium one: planning a write or irreversible action once the
 * facts are in, and any retry after a failed validation or revision. Reviews are rule-backed
 * (the domain's rules decide eligibility and amounts before the model is asked), so they stay routine.
 * @example chooseModelTier({ step: 'plan', mayWrite: true, factsLooked: true, effectDone: false, afterFailure: false }) // { tier: 'premium', ... }
 */
export function chooseModelTier(step: ModelStep): TierChoice {
  switch (step.step) {
    case 'route':
      return { tier: 'routine', reason: 'routing' };
    case 'revise_answer':
      return { tier: 'premium', reason: 'revision after a failed grounding check' };
    case 'answer':
      return step.attempt > 1 ? { tier: 'premium', reason: 'retry after an empty answer' } : { tier: 'routine', reason: 'answer from passages' };
    case 'plan':
      if (step.afterFailure) return { tier: 'premium', reason: 'retry after a failed validation' };
      // Facts looked up, nothing changed yet, a write within reach: the next reply may propose it.
      if (step.mayWrite && step.factsLooked && !step.effectDone) return { tier: 'premium', reason: 'planning a write' };
      return { tier: 'routine', reason: step.effectDone ? 'summary after the change' : 'looking facts up' };
    case 'review':
      if (step.attempt > 1) return { tier: 'premium', reason: 'retry after a reply without a verdict' };
      // Failed rule checks decide the verdict by themselves; passing ones leave judgement to the model.
      return { tier: 'routine', reason: step.failedChecks ? 'rule-backed review (a check failed)' : 'rule-backed review' };
    case 'review_action':
      if (step.attempt > 1) return { tier: 'premium', reason: 'retry after a reply without a verdict' };
      return { tier: 'routine', reason: 'rule-backed action review' };
  }
}
