import type { SortedPage } from '../../storage/index.ts';
import type { StreamMode } from '../run-event.ts';
import type { MultitaskStrategy, RunKwargs } from '../run-records.ts';

/*
 * Crons as the LangGraph API serves them (snake_case: the wire contract and the stored record
 * at once, as run records are), plus the fields only the server reads (`tenant_id`, `run_as`).
 */

/** What each tick's run is made of: the run-creating body's fields a cron keeps. */
export interface CronPayload {
  assistant_id: string;
  input?: Record<string, unknown> | null;
  config?: RunKwargs['config'] & Record<string, unknown>;
  context?: unknown;
  metadata?: Record<string, unknown>;
  webhook?: string;
  interrupt_before?: RunKwargs['interrupt_before'];
  interrupt_after?: RunKwargs['interrupt_after'];
  multitask_strategy?: MultitaskStrategy;
  stream_mode?: StreamMode[];
  stream_subgraphs?: boolean;
  durability?: RunKwargs['durability'];
}

/** Whose authority a tick's run acts with: its creator's, narrowed by whoever updated it since. */
export interface CronAuthority {
  /** The scopes runs get (`configurable.scopes`); null: every scope (an open-mode or `*` creator). */
  scopes: string[] | null;
  /** The creator's name, for the audit trail of each run. */
  actor: string;
  /** The creator's credential id, for per-key run limits. */
  caller_id: string;
}

export interface CronRecord {
  cron_id: string;
  tenant_id: string;
  assistant_id: string;
  /** Null for a stateless cron: each tick runs on a new thread. */
  thread_id: string | null;
  schedule: string;
  /** IANA time zone the schedule is read in; null: UTC. */
  timezone: string | null;
  end_time: string | null;
  enabled: boolean;
  /** Stateless crons: delete each tick's thread when its run ends (`delete`, the default) or keep it. */
  on_run_completed: 'delete' | 'keep' | null;
  payload: CronPayload;
  metadata: Record<string, unknown>;
  /** Who created it (the caller's name). */
  user_id: string | null;
  created_at: string;
  updated_at: string;
  /** The next tick, kept current by the scheduler; null when none is coming (disabled, past `end_time`). */
  next_run_date: string | null;
  run_as: CronAuthority;
}

/** The fields an update may change; `end_time: null` clears it. */
export type CronPatch = Partial<Pick<CronRecord, 'schedule' | 'timezone' | 'end_time' | 'enabled' | 'on_run_completed' | 'payload' | 'metadata' | 'next_run_date' | 'run_as' | 'assistant_id'>>;

export type CronSortBy = 'cron_id' | 'assistant_id' | 'thread_id' | 'created_at' | 'updated_at' | 'next_run_date';

export interface CronFilter {
  assistantId?: string;
  threadId?: string;
  enabled?: boolean;
  metadata?: Record<string, unknown>;
}

export interface CronSearch extends CronFilter, SortedPage<CronSortBy> {}
