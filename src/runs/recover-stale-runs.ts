import { hostname } from 'node:os';
import { AppError } from '../errors.ts';
import type { LeaseHolder, ProcessLease } from './process-lease.ts';
import type { RunManager } from './run-manager.ts';

export interface RecoverStaleRunsOptions {
  lease: ProcessLease;
  runs: Pick<RunManager, 'recover'>;
  /**
   * Refuse to serve beside another live process. The embedded store is one process's: its run
   * manager keeps each thread's runs in memory, so a second server on the file would race it.
   */
  exclusive: boolean;
  /** The store, as messages name it: the SQLite file, or the Redis key prefix. */
  store: string;
  /** After the runs: resume decided approvals whose resume never ran (how many were). */
  resumeApprovals?: () => Promise<number>;
}

export interface RecoveryReport {
  /** Runs a stopped process left pending or running, now queued again to resume from their last checkpoint. */
  recovered: number;
  /** Live processes beside this one; while there are any, nothing is settled. */
  sharedWith: LeaseHolder[];
  /** Decided approvals whose resume never ran, now resumed. */
  approvalsResumed?: number;
}

/**
 * Register this process on the run store, then resume the runs stopped processes left behind,
 * but only when no other live process is registered: a `running` record may be a live run of
 * a process beside this one, and settling it would fail that run under its feet. Beside a live
 * process, an exclusive store refuses to start (`CONFLICT`); a shared one (Redis) serves and
 * leaves old runs for a process that starts alone.
 * @example const { recovered } = await recoverStaleRuns({ lease, runs, exclusive: true, store: 'data/overseer.db' });
 */
export async function recoverStaleRuns(options: RecoverStaleRunsOptions): Promise<RecoveryReport> {
  const others = await options.lease.acquire();
  const [first] = others;
  if (first === undefined) {
    // Runs first: a resume that was under way is taken up again, and its thread is then not one a sweep resumes twice.
    const recovered = await options.runs.recover();
    return { recovered, sharedWith: [], approvalsResumed: (await options.resumeApprovals?.()) ?? 0 };
  }
  if (!options.exclusive) return { recovered: 0, sharedWith: others };
  await options.lease.release();
  const where = first.hostname === hostname() ? '' : ` on ${first.hostname}`;
  throw new AppError('CONFLICT', `another Overseer process (pid ${first.pid}${where}) serves ${options.store}`);
}
