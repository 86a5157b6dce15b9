export { definePolicyRule } from './define-policy-rule.ts';
export type { PolicyRule, PolicyRuleInput, PolicyRuleVerdict, PolicySection, PolicyCallContext, EffectCheck } from './define-policy-rule.ts';
export { createPolicyEngine, explain as explainRuleOutcomes, quoteSection } from './create-policy-engine.ts';
export type { PolicyEngine, PolicyEngineOptions, PolicyEvaluation, PolicyCallInput, RuleOutcome, EffectConfirmation } from './create-policy-engine.ts';
export { createPolicyRuleGuard } from './create-policy-rule-guard.ts';
export type { ActionReview, ActionReviewer, ModelVerdict, PolicyRuleGuardOptions } from './create-policy-rule-guard.ts';
