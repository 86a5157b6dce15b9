import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../config.ts';
import { createAuditLog } from '../observability/index.ts';
import { openDatabase } from '../storage/index.ts';

export interface AuditVerifyOptions {
  argv: string[];
  config: Config;
  write?: (line: string) => void;
}

/**
 * `npm run audit:verify -- [--tenant t]`: recompute the audit hash chain of one tenant (or
 * every tenant) and report each edited, removed or reordered record. Returns the exit code:
 * 0 when every chain verifies, 1 otherwise.
 */
export async function auditVerify(options: AuditVerifyOptions): Promise<number> {
  const write = options.write ?? ((line: string) => console.log(line));
  const { values } = parseArgs({ args: options.argv, options: { tenant: { type: 'string', short: 't' } }, strict: true });
  const { config } = options;
  const database = openDatabase(config.sqlitePath, { vectors: false });
  const redis = config.redis ? new Redis(config.redis.url, { maxRetriesPerRequest: 1, lazyConnect: true }) : undefined;
  try {
    const audit = createAuditLog({ database, redis: redis && config.redis && { client: redis, keyPrefix: config.redis.keyPrefix } });
    const tenants = values.tenant !== undefined ? [values.tenant] : await audit.tenants();
    if (tenants.length === 0) write('No audit records yet.');
    let failed = 0;
    for (const tenantId of tenants) {
      const verification = await audit.verify(tenantId);
      if (verification.ok) {
        write(`ok      ${tenantId}: ${verification.count} record(s), head ${verification.headHash}`);
        continue;
      }
      failed += 1;
      write(`FAILED  ${tenantId}: ${verification.problems.length} problem(s) in ${verification.count} record(s)`);
      for (const problem of verification.problems) write(`  ${problem.kind} at ${problem.seq}: ${problem.message}`);
    }
    return failed === 0 ? 0 : 1;
  } finally {
    redis?.disconnect();
    database.close();
  }
}

if (import.meta.main) {
  auditVerify({ argv: process.argv.slice(2), config: loadConfig() }).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
