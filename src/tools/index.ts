export { defineTool, defaultToolTimeoutMs, noRetry } from './define-tool.ts';
export type { ToolDefinition, ToolContext, ToolRisk, ToolSpec, ToolRetryPolicy, ReconcileResult } from './define-tool.ts';
export { ToolError, isToolError } from './tool-error.ts';
export { validateToolArguments } from './validate-tool-arguments.ts';
export type { ToolArgumentIssue, ToolArgumentValidation } from './validate-tool-arguments.ts';
export { createToolRegistry, isToolAllowed } from './tool-registry.ts';
export type { ToolRegistry, ToolListOptions, ModelTool } from './tool-registry.ts';
export { canonicalJson, hashArguments } from './canonical-json.ts';
export { deriveIdempotencyKey } from './idempotency-key.ts';
export type { IdempotencyKeyParts } from './idempotency-key.ts';
export type { EffectLedger, EffectClaim, EffectClaimRequest, EffectRecord, EffectStatus } from './effect-ledger.ts';
export { createSqliteEffectLedger } from './sqlite-effect-ledger.ts';
export { createRedisEffectLedger } from './redis-effect-ledger.ts';
export type { RedisEffectLedgerOptions } from './redis-effect-ledger.ts';
export { createUpstreamBreakers } from './upstream-breakers.ts';
export type { UpstreamBreakers, UpstreamBreakerOptions, UpstreamState } from './upstream-breakers.ts';
export { createSqliteDeferredActionQueue } from './deferred-actions.ts';
export type { DeferredAction, DeferredActionInput, DeferredActionQueue, DeferredActionStatus } from './deferred-actions.ts';
export { drainDeferredActions } from './drain-deferred-actions.ts';
export type { DrainDeferredActionsOptions, DrainedAction } from './drain-deferred-actions.ts';
export type { SqliteEffectLedgerOptions } from './sqlite-effect-ledger.ts';
export { runToolCall } from './run-tool-call.ts';
export type {
  RunToolCallOptions,
  ToolCallRequest,
  ToolCallContext,
  ToolCallOutcome,
  ToolGuard,
  ToolGuardInput,
  ToolGuardDecision,
} from './run-tool-call.ts';
export * from './approvals/index.ts';
export * from './guards/index.ts';
export * from './policy/index.ts';
export * from './openapi/index.ts';
export * from './mcp/index.ts';
