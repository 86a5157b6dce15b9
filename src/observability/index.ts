export { auditEventTypes, genesisHash, hashAuditRecord, chainAuditRecord } from './audit-log.ts';
export type {
  AuditLog,
  AuditEntry,
  AuditRecord,
  AuditEventType,
  AuditQuery,
  AuditVerification,
  AuditProblem,
  AuditProblemKind,
} from './audit-log.ts';
export { verifyAuditChain } from './verify-audit-chain.ts';
export { createSqliteAuditLog } from './sqlite-audit-log.ts';
export { createRedisAuditLog } from './redis-audit-log.ts';
export type { RedisAuditLogOptions } from './redis-audit-log.ts';
export { createAuditLog } from './create-audit-log.ts';
export type { CreateAuditLogOptions } from './create-audit-log.ts';
export { redactPii, redactPiiDeep, passesLuhn, isValidIban } from './redact-pii.ts';
export type { PiiKind } from './redact-pii.ts';
export { logError } from './log-error.ts';
export { createLogger } from './logger.ts';
export type { Logger, LoggerOptions, LogLevel } from './logger.ts';
export { createReadiness } from './readiness.ts';
export type { Readiness, ReadinessReport, CheckState } from './readiness.ts';
export { withLogContext, currentLogContext, traceIdOf } from './log-context.ts';
export type { LogContext } from './log-context.ts';
export { defaultLogger, setDefaultLogger } from './default-logger.ts';
export { createMetrics } from './create-metrics.ts';
export type { Metrics, MetricsOptions, MetricsSources } from './create-metrics.ts';
export { observeAuditLog } from './observed-audit-log.ts';
export { timeRetriever } from './timed-retriever.ts';
export { createRunObserver } from './create-run-observer.ts';
export { UsageCallbackHandler, agentRoleMetadataKey, modelTierMetadataKey, modelTierReasonMetadataKey } from './usage-callback-handler.ts';
export type { ModelCallObservation, UsageCallbackOptions } from './usage-callback-handler.ts';
export { createPriceTable } from './price-table.ts';
export type { PriceTable } from './price-table.ts';
export { defaultModelPrices } from './model-prices.ts';
export type { ModelPrice } from './model-prices.ts';
export { createSqliteUsageStore } from './sqlite-usage-store.ts';
export { createRedisUsageStore } from './redis-usage-store.ts';
export type { RedisUsageStoreOptions } from './redis-usage-store.ts';
export { emptyCounters, toUsageTotals, addCounters } from './model-usage.ts';
export type { ModelUsageRecord, UsageCounters, UsageTotals, UsageGrouping, UsageQuery, UsageStore, UsageSummary } from './model-usage.ts';
