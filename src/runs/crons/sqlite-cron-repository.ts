import type { DatabaseSync } from 'node:sqlite';
import { createStatementCache, groupCommit, guardStorageErrors } from '../../storage/index.ts';
import type { CronRecord } from './cron-record.ts';
import { matchesCronFilter, patchedCron, selectCrons, type CronRepository } from './cron-repository.ts';

const schema = `
CREATE TABLE IF NOT EXISTS cron_records (
  tenant_id TEXT NOT NULL,
  cron_id TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (tenant_id, cron_id)
);
CREATE INDEX IF NOT EXISTS cron_records_enabled ON cron_records (enabled);
`;

/**
 * Cron records in the embedded SQLite database, stored whole as JSON beside the columns
 * queries select on; the in-process scheduler re-arms the enabled ones at start from here.
 * @example const crons = createSqliteCronRepository(openDatabase('./data/overseer.db'));
 */
export function createSqliteCronRepository(database: DatabaseSync, clock: () => Date = () => new Date()): CronRepository {
  database.exec(schema);
  const prepared = createStatementCache(database);
  const write = <T>(work: () => T) => groupCommit(database, work);
  const parse = (rows: unknown[]) => (rows as Array<{ record: string }>).map((row) => JSON.parse(row.record) as CronRecord);

  function read(tenantId: string, cronId: string): CronRecord | undefined {
    return parse(prepared('SELECT record FROM cron_records WHERE tenant_id = ? AND cron_id = ?').all(tenantId, cronId))[0];
  }
  const ofTenant = (tenantId: string) => parse(prepared('SELECT record FROM cron_records WHERE tenant_id = ?').all(tenantId));
  const store = (cron: CronRecord) =>
    prepared(
        `INSERT INTO cron_records (tenant_id, cron_id, enabled, record) VALUES (?, ?, ?, ?)
         ON CONFLICT (tenant_id, cron_id) DO UPDATE SET enabled = excluded.enabled, record = excluded.record`,
      )
      .run(cron.tenant_id, cron.cron_id, cron.enabled ? 1 : 0, JSON.stringify(cron));

  return guardStorageErrors<CronRepository>({
    put: (cron) => write(() => {
      store(cron);
    }),
    get: async (tenantId, cronId) => read(tenantId, cronId),
    update: (tenantId, cronId, patch) => write(() => {
      // Read inside the write: a patch queued just before this one is already applied.
      const current = read(tenantId, cronId);
      if (!current) return undefined;
      const next = patchedCron(current, patch, clock().toISOString());
      store(next);
      return next;
    }),
    delete: (tenantId, cronId) => write(() =>
      Number(prepared('DELETE FROM cron_records WHERE tenant_id = ? AND cron_id = ?').run(tenantId, cronId).changes) > 0),
    search: async (tenantId, search) => selectCrons(ofTenant(tenantId), search),
    count: async (tenantId, filter) => ofTenant(tenantId).filter((cron) => matchesCronFilter(cron, filter)).length,
    enabled: async () => parse(prepared('SELECT record FROM cron_records WHERE enabled = 1').all()),
  }, 'Cron store unavailable');
}
