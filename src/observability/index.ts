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
export { createTracing } from './create-tracing.ts';
export type { Tracing, TracingConfig, TracingOverrides } from './create-tracing.ts';
export { GenAiTracingHandler } from './gen-ai-tracing-handler.ts';
export { traceAgent, startAgentSpan, isInterrupt } from './trace-agent.ts';
export type { AgentInvocation } from './trace-agent.ts';
export { traceToolCall } from './trace-tool-call.ts';
export type { ToolApprovalDecision, ToolCallSpan, ToolCallEnding, ToolGuardVerdict, TracedToolCall } from './trace-tool-call.ts';
export { traceRetrieval } from './trace-retrieval.ts';
export { currentTraceCarrier, contextFromCarrier, traceHeaders, activeTraceIds } from './trace-context.ts';
export type { TraceCarrier } from './trace-context.ts';
export { overseerTracer, failSpan, errorTypeOf } from './overseer-tracer.ts';
export { genAiAttributes, genAiOperations, overseerAttributes } from './gen-ai-attributes.ts';
export { tracingSettings, optsIntoLatestGenAi } from './tracing-settings.ts';
export type { TracingSettings } from './tracing-settings.ts';
export { readTracingConfig } from './read-tracing-config.ts';
export type { TracingVariables } from './read-tracing-config.ts';
export { promptCharacters } from './read-model-usage.ts';
export { createLangSmithTracing } from './langsmith-tracing.ts';
export type { LangSmithTracing, LangSmithTracingOptions, TracedRun } from './langsmith-tracing.ts';
export { createLangSmithRunObserver } from './langsmith-run-observer.ts';
