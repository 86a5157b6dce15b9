import type { DatabaseSync } from 'node:sqlite';
import type { Redis } from 'ioredis';
import type { AuditLog } from './audit-log.ts';
import { createRedisAuditLog } from './redis-audit-log.ts';
import { createSqliteAuditLog } from './sqlite-audit-log.ts';

export interface CreateAuditLogOptions {
  /** Used when given: production keeps the audit log in Redis. */
  redis?: { client: Redis; keyPrefix: string };
  /** The embedded database, used without Redis. */
  database: DatabaseSync;
  clock?: () => Date;
}

/**
 * The audit log the configuration asks for: Redis when configured, the embedded SQLite otherwise.
 * @example const audit = createAuditLog({ database, redis: redis && { client: redis, keyPrefix: config.redis.keyPrefix } });
 */
export function createAuditLog(options: CreateAuditLogOptions): AuditLog {
  if (options.redis) return createRedisAuditLog({ client: options.redis.client, keyPrefix: options.redis.keyPrefix, clock: options.clock });
  return createSqliteAuditLog(options.database, { clock: options.clock });
}
