import { toStorageError } from '../errors.ts';
import type { RunRecord, RunStatus, ThreadRecord, ThreadStatus } from './run-records.ts';

export interface ThreadSearch {
  ids?: string[];
  metadata?: Record<string, unknown>;
  status?: ThreadStatus;
  limit: number;
  offset: number;
  sortBy: 'thread_id' | 'status' | 'created_at' | 'updated_at';
  sortOrder: 'asc' | 'desc';
}

export interface ThreadPatch {
  metadata?: Record<string, unknown>;
  status?: ThreadStatus;
  values?: unknown;
  interrupts?: Record<string, unknown[]>;
}

/**
 * Where thread and run records live: SQLite embedded, Redis in production. Every read
 * takes the tenant, so one tenant's ids are simply not found by another.
 */
export interface RunRepository {
  createThread(thread: ThreadRecord): Promise<ThreadRecord>;
  getThread(tenantId: string, threadId: string): Promise<ThreadRecord | undefined>;
  /** Metadata is merged key by key, as the LangGraph API's PATCH does. */
  updateThread(tenantId: string, threadId: string, patch: ThreadPatch): Promise<ThreadRecord | undefined>;
  deleteThread(tenantId: string, threadId: string): Promise<boolean>;
  searchThreads(tenantId: string, search: ThreadSearch): Promise<ThreadRecord[]>;
  countThreads(tenantId: string, search: Omit<ThreadSearch, 'limit' | 'offset' | 'sortBy' | 'sortOrder'>): Promise<number>;

  putRun(run: RunRecord): Promise<void>;
  getRun(tenantId: string, runId: string): Promise<RunRecord | undefined>;
  listRuns(tenantId: string, threadId: string, options: { limit: number; offset: number; status?: RunStatus }): Promise<RunRecord[]>;
  /** Runs of a thread that are pending or running, oldest first. */
  activeRuns(tenantId: string, threadId: string): Promise<RunRecord[]>;
  updateRun(runId: string, patch: Partial<Pick<RunRecord, 'status' | 'error' | 'checkpoint_before'>>): Promise<void>;
  deleteRun(tenantId: string, runId: string): Promise<boolean>;
  /** Runs left pending or running by a process that stopped; the manager settles them at start. */
  staleRuns(): Promise<RunRecord[]>;
}

/** Does `metadata` contain every key of `filter` with an equal value? */
export function metadataMatches(metadata: Record<string, unknown>, filter: Record<string, unknown> | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, value]) => JSON.stringify(metadata[key]) === JSON.stringify(value));
}

/**
 * The same repository with every failure of the store underneath (Redis, SQLite) turned into
 * `AppError('STORAGE_ERROR')` (HTTP 503) with the cause kept; `AppError`s pass unchanged.
 */
export function guardStorageErrors(repository: RunRepository): RunRepository {
  const guarded = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(repository) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
    guarded[name] = async (...args: unknown[]) => {
      try {
        return await method(...args);
      } catch (error) {
        throw toStorageError(error, 'Run store unavailable');
      }
    };
  }
  return guarded as unknown as RunRepository;
}
