import type { DatabaseSync } from 'node:sqlite';
import { inTransaction } from '../storage/index.ts';
import {
  currentIdentity,
  defaultLeaseTtlMs,
  isOtherLiveHolder,
  newOwnerId,
  type LeaseHolder,
  type ProcessLease,
  type ProcessLeaseOptions,
} from './process-lease.ts';

const schema = `
CREATE TABLE IF NOT EXISTS process_leases (
  owner_id TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  hostname TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
`;

/**
 * The process registrations of an embedded database, one row per process in `process_leases`.
 * Reading the others and adding this process happen in one `BEGIN IMMEDIATE` transaction, so of
 * two processes starting at once on one file, the second always sees the first.
 * @example const others = await createSqliteProcessLease(database).acquire();
 */
export function createSqliteProcessLease(database: DatabaseSync, options: ProcessLeaseOptions = {}): ProcessLease {
  const ttlMs = options.ttlMs ?? defaultLeaseTtlMs;
  const identity = options.identity ?? currentIdentity();
  const clock = options.clock ?? Date.now;
  const ownerId = newOwnerId();
  let renewal: NodeJS.Timeout | undefined;

  const register = (): void => {
    database
      .prepare(
        `INSERT INTO process_leases (owner_id, pid, hostname, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (owner_id) DO UPDATE SET expires_at = excluded.expires_at`,
      )
      .run(ownerId, identity.pid, identity.hostname, clock() + ttlMs);
  };

  return {
    async acquire() {
      database.exec(schema);
      const others = inTransaction(database, () => {
        const now = clock();
        const holders = database.prepare('SELECT owner_id, pid, hostname, expires_at FROM process_leases').all().map((row) => ({
          ownerId: String(row.owner_id),
          pid: Number(row.pid),
          hostname: String(row.hostname),
          expiresAt: Number(row.expires_at),
        })) satisfies LeaseHolder[];
        const live = holders.filter((holder) => isOtherLiveHolder(holder, identity, now));
        // Neither live nor another instance of this process: expired, or its process is gone.
        const ownProcess = (holder: LeaseHolder) => holder.hostname === identity.hostname && holder.pid === identity.pid && holder.expiresAt > now;
        const stale = holders.filter((holder) => !live.includes(holder) && !ownProcess(holder));
        for (const holder of stale) database.prepare('DELETE FROM process_leases WHERE owner_id = ?').run(holder.ownerId);
        register();
        return live;
      });
      renewal ??= setInterval(() => {
        // A renewal that fails (the file busy past the timeout) is retried at the next tick,
        // well before the registration runs out.
        try {
          register();
        } catch {
          // next tick
        }
      }, Math.max(1, Math.floor(ttlMs / 3)));
      renewal.unref();
      return others;
    },

    async release() {
      if (renewal !== undefined) clearInterval(renewal);
      renewal = undefined;
      try {
        database.prepare('DELETE FROM process_leases WHERE owner_id = ?').run(ownerId);
      } catch {
        // A closed database has nothing left to release; the row runs out by itself.
      }
    },
  };
}
