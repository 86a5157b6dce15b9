import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { AppError, guardStorage } from '../errors.ts';

export type DeferredActionStatus = 'pending' | 'done' | 'failed';

/** A validated, guarded side effect whose upstream was unavailable, kept to be run later. */
export interface DeferredAction {
  id: string;
  tenantId: string;
  threadId?: string;
  toolName: string;
  /** Canonical validated arguments, exactly what the guard and any approver saw. */
  args: unknown;
  argsHash: string;
  /** The original call's key, so running it later can never duplicate it. */
  idempotencyKey: string;
  /** The scopes the caller held when it asked. */
  scopes: string[];
  reason: string;
  status: DeferredActionStatus;
  attempts: number;
  lastMessage?: string;
  createdAt: string;
  updatedAt: string;
}

export type DeferredActionInput = Pick<DeferredAction, 'tenantId' | 'threadId' | 'toolName' | 'args' | 'argsHash' | 'idempotencyKey' | 'scopes' | 'reason'>;

export interface DeferredActionQueue {
  /** Queue an action; queuing the same idempotency key again returns the existing entry. */
  enqueue(input: DeferredActionInput): Promise<DeferredAction>;
  listPending(tenantId?: string): Promise<DeferredAction[]>;
  get(id: string): Promise<DeferredAction | undefined>;
  /** Record the result of one attempt to run a queued action. */
  settle(id: string, status: DeferredActionStatus, message?: string): Promise<void>;
}

interface DeferredRow {
  id: string;
  tenant_id: string;
  thread_id: string | null;
  tool_name: string;
  args_json: string;
  args_hash: string;
  idempotency_key: string;
  scopes_json: string;
  reason: string;
  status: DeferredActionStatus;
  attempts: number;
  last_message: string | null;
  created_at: string;
  updated_at: string;
}

const schema = `
CREATE TABLE IF NOT EXISTS deferred_actions (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  thread_id TEXT,
  tool_name TEXT NOT NULL,
  args_json TEXT NOT NULL,
  args_hash TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  scopes_json TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_message TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS deferred_actions_pending ON deferred_actions (status, tenant_id, created_at)`;

/**
 * The durable queue of deferred actions in SQLite (table `deferred_actions`).
 * @example const deferred = createSqliteDeferredActionQueue(database);
 */
export function createSqliteDeferredActionQueue(database: DatabaseSync, options: { clock?: () => Date } = {}): DeferredActionQueue {
  const clock = options.clock ?? (() => new Date());
  database.exec(schema);
  const insert = database.prepare(
    `INSERT INTO deferred_actions (id, tenant_id, thread_id, tool_name, args_json, args_hash, idempotency_key, scopes_json, reason, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
  );
  const byKey = database.prepare('SELECT * FROM deferred_actions WHERE idempotency_key = ?');
  const byId = database.prepare('SELECT * FROM deferred_actions WHERE id = ?');
  const pendingAll = database.prepare(`SELECT * FROM deferred_actions WHERE status = 'pending' ORDER BY created_at, id`);
  const pendingOf = database.prepare(`SELECT * FROM deferred_actions WHERE status = 'pending' AND tenant_id = ? ORDER BY created_at, id`);
  const update = database.prepare('UPDATE deferred_actions SET status = ?, last_message = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?');

  return {
    enqueue: async (input) => storage(() => {
      const now = clock().toISOString();
      insert.run(randomUUID(), input.tenantId, input.threadId ?? null, input.toolName, JSON.stringify(input.args), input.argsHash,
        input.idempotencyKey, JSON.stringify(input.scopes), input.reason, now, now);
      return toAction(byKey.get(input.idempotencyKey) as unknown as DeferredRow);
    }),
    listPending: async (tenantId) => storage(() =>
      ((tenantId === undefined ? pendingAll.all() : pendingOf.all(tenantId)) as unknown as DeferredRow[]).map(toAction)),
    get: async (id) => storage(() => {
      const row = byId.get(id) as unknown as DeferredRow | undefined;
      return row === undefined ? undefined : toAction(row);
    }),
    settle: async (id, status, message) => storage(() => {
      if (update.run(status, message ?? null, clock().toISOString(), id).changes === 0) {
        throw new AppError('NOT_FOUND', `No deferred action "${id}"`);
      }
    }),
  };
}

const storage = <T>(work: () => T) => guardStorage('The deferred action queue is unavailable', work);

function toAction(row: DeferredRow): DeferredAction {
  const action: DeferredAction = {
    id: row.id,
    tenantId: row.tenant_id,
    toolName: row.tool_name,
    args: JSON.parse(row.args_json),
    argsHash: row.args_hash,
    idempotencyKey: row.idempotency_key,
    scopes: JSON.parse(row.scopes_json) as string[],
    reason: row.reason,
    status: row.status,
    attempts: row.attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.thread_id !== null) action.threadId = row.thread_id;
  if (row.last_message !== null) action.lastMessage = row.last_message;
  return action;
}
