import type { StoreGetOperation, StorePutOperation, StoreSearchOperation, TtlConfig } from './store-types.ts';

const minute = 60_000;

/** The ttl in minutes a put gives its item: its own, else the store default, else none (`null`). */
export function ttlOf(put: StorePutOperation, config: TtlConfig | undefined): number | null {
  const ttl = put.ttl === undefined ? (config?.defaultTtl ?? null) : put.ttl;
  if (ttl !== null && !(Number.isFinite(ttl) && ttl > 0)) {
    throw new RangeError(`Store ttl must be a positive number of minutes, got ${ttl}`);
  }
  return ttl;
}

/** Epoch milliseconds at which an item with this ttl expires, or null for never. */
export function expiresAtOf(ttlMinutes: number | null, now: number): number | null {
  // Whole milliseconds, so SQLite and the Redis scripts agree on the same instant.
  return ttlMinutes === null ? null : Math.round(now + ttlMinutes * minute);
}

/** Whether a read pushes the expiry of what it returns forward (default true, as in LangGraph). */
export function refreshesOnRead(operation: StoreGetOperation | StoreSearchOperation, config: TtlConfig | undefined): boolean {
  return operation.refreshTtl ?? config?.refreshOnRead ?? true;
}

/** Whether an item with this expiry is still visible at `now`. */
export function isLive(expiresAt: number | null, now: number): boolean {
  return expiresAt === null || expiresAt > now;
}
