export { createApprovalPolicy, flaggedInputPolicy } from './approval-policy.ts';
export type { ApprovalPolicy, ApprovalRule, ApprovalRequirement } from './approval-policy.ts';
export type {
  ApprovalRequest,
  NewApprovalRequest,
  ApprovalStatus,
  ApprovalVerdict,
  ApprovalDecision,
  DecideApprovalInput,
  ApprovalStore,
  ApprovalRequester,
  ApprovalReview,
  ApprovalClosure,
  ClosedApprovalStatus,
  CloseApprovalInput,
} from './approval-request.ts';
export { approvalStatuses } from './approval-request.ts';
export { closedError } from './check-decision-input.ts';
export { createSqliteApprovalStore } from './sqlite-approval-store.ts';
export { createRedisApprovalStore } from './redis-approval-store.ts';
export type { RedisApprovalStoreOptions } from './redis-approval-store.ts';
export { createApprovalGuard, approvalIdOf, approvalIdsIn, approvalInterruptsIn, approvalResumeSchema } from './create-approval-guard.ts';
export type { ApprovalGuardOptions, ApprovalInterruptPayload } from './create-approval-guard.ts';
export { toHitlRequest, readResumeDecisions, restoreArgumentTypes, allowedDecisions } from './hitl-interrupt.ts';
export type { HitlRequest, HitlActionRequest, HitlReviewConfig, ResumeDecision } from './hitl-interrupt.ts';
