export { createApprovalPolicy, brightcartApprovalRules, flaggedInputPolicy } from './approval-policy.ts';
export type { ApprovalPolicy, ApprovalRule, ApprovalRequirement } from './approval-policy.ts';
export type {
  ApprovalRequest,
  NewApprovalRequest,
  ApprovalReview,
  ApprovalStatus,
  ApprovalVerdict,
  ApprovalDecision,
  DecideApprovalInput,
  ApprovalStore,
} from './approval-request.ts';
export { createSqliteApprovalStore } from './sqlite-approval-store.ts';
export { createRedisApprovalStore } from './redis-approval-store.ts';
export type { RedisApprovalStoreOptions } from './redis-approval-store.ts';
export { createApprovalGuard, approvalIdOf, approvalResumeSchema } from './create-approval-guard.ts';
export type { ApprovalGuardOptions, ApprovalInterruptPayload } from './create-approval-guard.ts';
