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
