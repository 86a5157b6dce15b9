export * from './handoff.ts';
export type { RuleCheck, ReviewedAction, ReviewSubject, DomainReviewCheck } from './review-check.ts';
export type { ObservedOutcome, Observations, ToolCall, PlanStep, ExecutionFacts, OfflineDomainPlanner } from './offline-plan.ts';
