import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../storage/index.ts';
import { describeApprovalStoreConformance } from './approval-store-conformance.ts';
import { createSqliteApprovalStore } from './sqlite-approval-store.ts';

describeApprovalStoreConformance('createSqliteApprovalStore', async (clock) =>
  createSqliteApprovalStore(openDatabase(':memory:', { vectors: false }), { clock }));

describe('createSqliteApprovalStore on a database made before requests could be closed', () => {
  it('keeps the old rows and can then close them', async () => {
    const database = openDatabase(':memory:', { vectors: false });
    // The table as it was created before `superseded` and `orphaned` existed.
    database.exec(`
      CREATE TABLE approval_requests (
        id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'edited', 'rejected', 'expired')),
        request_json TEXT NOT NULL, decision_json TEXT, created_at TEXT NOT NULL, expires_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX approval_requests_pending ON approval_requests (tenant_id, status, created_at)`);
    const old = {
      id: 'old', tenantId: 'acme', threadId: 't', toolCallId: 'c', tool: 'issue_refund', args: {}, argsHash: 'h',
      policy: 'refund-above-500', reason: 'above', createdAt: '2026-04-01T12:00:00.000Z', expiresAt: '2026-04-01T13:00:00.000Z',
    };
    database.prepare(`INSERT INTO approval_requests VALUES ('old', 'acme', 'pending', ?, NULL, ?, ?)`).run(JSON.stringify(old), old.createdAt, old.expiresAt);
    const store = createSqliteApprovalStore(database, { clock: () => new Date('2026-04-01T12:30:00Z') });
    expect((await store.listPending('acme')).map((request) => request.id)).toEqual(['old']);
    expect(await store.close('old', { tenantId: 'acme', status: 'orphaned', reason: 'orphaned: its thread was deleted' })).toMatchObject({ status: 'orphaned' });
    // Opening again leaves the rebuilt table alone.
    const again = createSqliteApprovalStore(database);
    expect(await again.get('old')).toMatchObject({ status: 'orphaned', closed: { reason: 'orphaned: its thread was deleted' } });
    const indexes = database.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'approval_requests' AND sql IS NOT NULL`).all();
    expect(indexes).toEqual([{ name: 'approval_requests_pending' }]);
  });
});
