import type { Page, RunFence, SortedPage, Unpaged } from '../storage/index.ts';
import type { RunRecord, RunStatus, ThreadRecord, ThreadStatus } from './run-records.ts';

export interface ThreadSearch extends SortedPage<'thread_id' | 'status' | 'created_at' | 'updated_at'> {
  ids?: string[];
  metadata?: Record<string, unknown>;
  status?: ThreadStatus;
}

/** A page of a tenant's runs across all its threads, newest first (`created_at`, then run id, descending). */
export interface TenantRunPage extends Page {
  status?: RunStatus;
  /**
   * Only runs after this run in that order (a cursor: the last run id of the previous page).
   * A run id the tenant has no record of gives an empty page.
   */
  before?: string;
}

export type RunPatch = Partial<Pick<RunRecord, 'status' | 'error' | 'checkpoint_before' | 'attempt' | 'resume_from' | 'worker' | 'attempt_checkpoint' | 'stalled_attempts'>>;

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
  /**
   * Metadata is merged key by key, as the LangGraph API's PATCH does. With `fence` (a worker's
   * claim) the write is refused (`RUN_FENCED`) when another worker took the run over.
   */
  updateThread(tenantId: string, threadId: string, patch: ThreadPatch, fence?: RunFence): Promise<ThreadRecord | undefined>;
  deleteThread(tenantId: string, threadId: string): Promise<boolean>;
  searchThreads(tenantId: string, search: ThreadSearch): Promise<ThreadRecord[]>;
  countThreads(tenantId: string, search: Unpaged<ThreadSearch>): Promise<number>;

  putRun(run: RunRecord): Promise<void>;
  getRun(tenantId: string, runId: string): Promise<RunRecord | undefined>;
  listRuns(tenantId: string, threadId: string, options: Page & { status?: RunStatus }): Promise<RunRecord[]>;
  /**
   * The tenant's stored runs of every thread, newest first, status filter applied before paging.
   * Stateless runs are only here when they keep their thread (`on_completion: 'keep'`): a
   * temporary run has no record.
   */
  listTenantRuns(tenantId: string, options: TenantRunPage): Promise<RunRecord[]>;
  /** Runs of a thread that are pending or running, oldest first. */
  activeRuns(tenantId: string, threadId: string): Promise<RunRecord[]>;
  /** With `fence`, refused (`RUN_FENCED`) once another worker claimed the run. */
  updateRun(runId: string, patch: RunPatch, fence?: RunFence): Promise<void>;
  deleteRun(tenantId: string, runId: string): Promise<boolean>;
  /** Runs left pending or running by a process that stopped; the manager settles them at start. */
  staleRuns(): Promise<RunRecord[]>;
}

/** Does `metadata` contain every key of `filter` with an equal value? */
export function metadataMatches(metadata: Record<string, unknown>, filter: Record<string, unknown> | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, value]) => JSON.stringify(metadata[key]) === JSON.stringify(value));
}
