import type { DatabaseSync } from 'node:sqlite';
import { guardStorage } from '../../errors.ts';
import { inTransaction } from '../../storage/index.ts';
import {
  approvalStatuses,
  statusByVerdict,
  type ApprovalRequest,
  type ApprovalStatus,
  type ApprovalStore,
  type NewApprovalRequest,
} from './approval-request.ts';
import { checkDecisionInput, expiredError, isExpired } from './check-decision-input.ts';

interface ApprovalRow {
  request_json: string;
  status: ApprovalStatus;
  decision_json: string | null;
  closed_json: string | null;
}

const table = `(
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN (${approvalStatuses.map((status) => `'${status}'`).join(', ')})),
  request_json TEXT NOT NULL,
  decision_json TEXT,
  closed_json TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) STRICT`;
const pendingIndex = 'CREATE INDEX IF NOT EXISTS approval_requests_pending ON approval_requests (tenant_id, status, created_at)';
// Decided requests whose resume is not known to have happened; a row leaves once its thread moved on.
const unresumedTable = `CREATE TABLE IF NOT EXISTS approval_unresumed (
  id TEXT PRIMARY KEY,
  decided_at TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS approval_unresumed_decided ON approval_unresumed (decided_at, id)`;

/**
 * Create the table, or rebuild one made before `superseded` and `orphaned` existed: SQLite
 * cannot alter a CHECK constraint, so the rows move to a new table in one transaction.
 */
function ensureSchema(database: DatabaseSync): void {
  const existing = database.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'approval_requests'`).get() as
    | { sql: string }
    | undefined;
  if (existing === undefined) {
    database.exec(`CREATE TABLE approval_requests ${table}; ${pendingIndex}`);
    return;
  }
  if (existing.sql.includes("'orphaned'")) return;
  inTransaction(database, () => {
    database.exec('DROP INDEX IF EXISTS approval_requests_pending');
    database.exec('ALTER TABLE approval_requests RENAME TO approval_requests_before_closing');
    database.exec(`CREATE TABLE approval_requests ${table}`);
    database.exec(`INSERT INTO approval_requests (id, tenant_id, status, request_json, decision_json, created_at, expires_at)
      SELECT id, tenant_id, status, request_json, decision_json, created_at, expires_at FROM approval_requests_before_closing`);
    database.exec('DROP TABLE approval_requests_before_closing');
    database.exec(pendingIndex);
  });
}

/**
 * Approval requests in SQLite (table `approval_requests`). Decisions are made in one
 * transaction, so two approvers racing on one request cannot both win.
 * @example const approvals = createSqliteApprovalStore(database);
 */
export function createSqliteApprovalStore(database: DatabaseSync, options: { clock?: () => Date } = {}): ApprovalStore {
  const clock = options.clock ?? (() => new Date());
  ensureSchema(database);
  database.exec(unresumedTable);
  const insert = database.prepare(
    `INSERT INTO approval_requests (id, tenant_id, status, request_json, created_at, expires_at) VALUES (?, ?, 'pending', ?, ?, ?)
     ON CONFLICT (id) DO NOTHING`,
  );
  const selectOne = database.prepare('SELECT request_json, status, decision_json, closed_json FROM approval_requests WHERE id = ?');
  const selectPending = database.prepare(
    `SELECT request_json, status, decision_json, closed_json FROM approval_requests WHERE tenant_id = ? AND status = 'pending' AND expires_at > ? ORDER BY created_at, id`,
  );
  const update = database.prepare('UPDATE approval_requests SET status = ?, decision_json = ? WHERE id = ?');
  const insertUnresumed = database.prepare('INSERT OR IGNORE INTO approval_unresumed (id, decided_at) VALUES (?, ?)');
  const selectUnresumed = database.prepare(
    `SELECT r.request_json, r.status, r.decision_json, r.closed_json FROM approval_unresumed u JOIN approval_requests r ON r.id = u.id
     ORDER BY u.decided_at, u.id LIMIT ?`,
  );
  const deleteUnresumed = database.prepare('DELETE FROM approval_unresumed WHERE id = ?');
  const closePending = database.prepare(
    `UPDATE approval_requests SET status = ?, closed_json = ? WHERE id = ? AND tenant_id = ? AND status = 'pending'`,
  );

  function read(id: string): ApprovalRequest | undefined {
    const row = selectOne.get(id) as unknown as ApprovalRow | undefined;
    return row === undefined ? undefined : toRequest(row);
  }

  return {
    create: async (request: NewApprovalRequest) => storage(() => {
      const created = insert.run(request.id, request.tenantId, JSON.stringify(request), request.createdAt, request.expiresAt).changes === 1;
      return { request: read(request.id)!, created };
    }),
    get: async (id) => storage(() => read(id)),
    listPending: async (tenantId) => storage(() =>
      (selectPending.all(tenantId, clock().toISOString()) as unknown as ApprovalRow[]).map(toRequest)),
    decide: async (id, input) => {
      const now = clock();
      let expired = false;
      const decided = storage(() => inTransaction(database, () => {
        const request = read(id);
        const decision = checkDecisionInput(request, input, now);
        if (isExpired(request!, now)) {
          // Recorded, not thrown inside the transaction, so the expiry sticks.
          update.run('expired', null, id);
          expired = true;
          return request!;
        }
        update.run(statusByVerdict[input.decision], JSON.stringify(decision), id);
        // In the same transaction: a decision is never recorded without its place in the sweep.
        if (request!.requestedBy) insertUnresumed.run(id, decision.decidedAt);
        return read(id)!;
      }));
      if (expired) throw expiredError();
      return decided;
    },
    close: async (id, input) => storage(() => {
      const closed = JSON.stringify({ reason: input.reason, at: clock().toISOString() });
      return closePending.run(input.status, closed, id, input.tenantId).changes === 1 ? read(id) : undefined;
    }),
    listUnresumed: async (limit) => storage(() => (selectUnresumed.all(limit) as unknown as ApprovalRow[]).map(toRequest)),
    markResumed: async (id) => storage(() => {
      deleteUnresumed.run(id);
    }),
  };
}

const storage = <T>(work: () => T) => guardStorage('The approval store is unavailable', work);

function toRequest(row: ApprovalRow): ApprovalRequest {
  const request = { ...(JSON.parse(row.request_json) as NewApprovalRequest), status: row.status } as ApprovalRequest;
  if (row.decision_json !== null) request.decision = JSON.parse(row.decision_json);
  if (row.closed_json !== null) request.closed = JSON.parse(row.closed_json);
  return request;
}
