import type { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.ts';
import { canonicalJson } from '../tools/index.ts';
import { describeAuditLogConformance, type AuditTamper } from './audit-log-conformance.ts';
import type { AuditRecord } from './audit-log.ts';
import { createSqliteAuditLog } from './sqlite-audit-log.ts';

// Tampering needs the append-only triggers gone first, as an attacker with file access would do.
function tamperWith(database: DatabaseSync): AuditTamper {
  const dropTriggers = () => database.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
  const rowOf = (tenantId: string, seq: number) =>
    database.prepare('SELECT id FROM audit_log WHERE tenant_id = ? AND seq = ?').get(tenantId, seq) as { id: number };
  const columnsOf = (record: AuditRecord) => [record.seq, record.at, record.type, record.runId ?? null, record.threadId ?? null,
    record.actor ?? null, canonicalJson(record.data), record.previousHash, record.hash] as const;
  const write = database.prepare(
    'UPDATE audit_log SET seq = ?, at = ?, type = ?, run_id = ?, thread_id = ?, actor = ?, data_json = ?, previous_hash = ?, hash = ? WHERE id = ?',
  );
  // Reads go through a second log object, which re-creates the triggers: read before dropping them.
  const read = async (tenantId: string, seq: number) => {
    const log = createSqliteAuditLog(database);
    return (await log.query({ tenantId, after: seq - 1, limit: 1 }))[0]!;
  };
  return {
    async edit(tenantId, seq, change) {
      const changed = change(await read(tenantId, seq));
      dropTriggers();
      write.run(...columnsOf(changed), rowOf(tenantId, seq).id);
    },
    async remove(tenantId, seq) {
      dropTriggers();
      database.prepare('DELETE FROM audit_log WHERE id = ?').run(rowOf(tenantId, seq).id);
    },
    async swap(tenantId, first, second) {
      const [a, b] = [await read(tenantId, first), await read(tenantId, second)];
      dropTriggers();
      const [rowA, rowB] = [rowOf(tenantId, first).id, rowOf(tenantId, second).id];
      // Through a free seq, since (tenant, seq) is unique.
      database.prepare('UPDATE audit_log SET seq = -1 WHERE id = ?').run(rowA);
      write.run(...columnsOf(a), rowB);
      write.run(...columnsOf(b), rowA);
    },
  };
}

describeAuditLogConformance('createSqliteAuditLog', async (clock) => {
  const database = openDatabase(':memory:', { vectors: false });
  return { log: createSqliteAuditLog(database, { clock }), tamper: tamperWith(database) };
});

describe('createSqliteAuditLog', () => {
  it('refuses UPDATE and DELETE of audit records at the database level', async () => {
    const database = openDatabase(':memory:', { vectors: false });
    const log = createSqliteAuditLog(database);
    await log.append({ tenantId: 'acme', type: 'run.started', data: {} });
    expect(() => database.exec("UPDATE audit_log SET actor = 'someone'")).toThrow(/append-only/);
    expect(() => database.exec('DELETE FROM audit_log')).toThrow(/append-only/);
    expect((await log.verify('acme')).ok).toBe(true);
  });
});
