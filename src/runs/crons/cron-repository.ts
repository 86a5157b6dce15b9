import { metadataMatches } from '../run-repository.ts';
import type { CronFilter, CronPatch, CronRecord, CronSearch } from './cron-record.ts';

/**
 * Where cron records live: SQLite embedded, Redis in production. Every read takes the tenant,
 * so one tenant's cron ids are simply not found by another.
 */
export interface CronRepository {
  put(cron: CronRecord): Promise<void>;
  get(tenantId: string, cronId: string): Promise<CronRecord | undefined>;
  /** Stamps `updated_at` unless only `next_run_date` changes (a tick is not an update); undefined when absent. */
  update(tenantId: string, cronId: string, patch: CronPatch): Promise<CronRecord | undefined>;
  delete(tenantId: string, cronId: string): Promise<boolean>;
  search(tenantId: string, search: CronSearch): Promise<CronRecord[]>;
  count(tenantId: string, filter: CronFilter): Promise<number>;
  /** Every tenant's enabled crons: what a scheduler arms at start. */
  enabled(): Promise<CronRecord[]>;
}

export function matchesCronFilter(cron: CronRecord, filter: CronFilter): boolean {
  return (filter.assistantId === undefined || cron.assistant_id === filter.assistantId)
    && (filter.threadId === undefined || cron.thread_id === filter.threadId)
    && (filter.enabled === undefined || cron.enabled === filter.enabled)
    && metadataMatches(cron.metadata, filter.metadata);
}

/**
 * One tenant's crons filtered, sorted and paged in memory, the same way in every store: a
 * tenant has few crons (each one a standing schedule), so reading them all is cheap. Ties and
 * nulls (a stateless cron's thread id) sort by cron id, nulls first.
 */
export function selectCrons(crons: CronRecord[], search: CronSearch): CronRecord[] {
  const direction = search.sortOrder === 'asc' ? 1 : -1;
  const key = (cron: CronRecord) => cron[search.sortBy] ?? '';
  return crons
    .filter((cron) => matchesCronFilter(cron, search))
    .sort((left, right) => (key(left) < key(right) ? -1 : key(left) > key(right) ? 1 : 0) * direction || (left.cron_id < right.cron_id ? -1 : 1))
    .slice(search.offset, search.offset + search.limit);
}

/** The record with `patch` applied and `updated_at` stamped (unless the patch only moves the next tick). */
export function patchedCron(cron: CronRecord, patch: CronPatch, now: string): CronRecord {
  const onlyNextTick = Object.keys(patch).every((field) => field === 'next_run_date');
  return { ...cron, ...patch, updated_at: onlyNextTick ? cron.updated_at : now };
}
