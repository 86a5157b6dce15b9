import { isAppError } from '../errors.ts';
import { logError } from '../observability/index.ts';
import { approvalIdsIn, type ApprovalRequest, type ApprovalStore } from '../tools/index.ts';
import { resumeDecidedApproval } from './resume-decided-approval.ts';
import type { RunManager } from './run-manager.ts';
import type { RunRecord } from './run-records.ts';
import type { RunRepository } from './run-repository.ts';

export interface StrandedApprovalDependencies {
  approvals: Pick<ApprovalStore, 'listUnresumed' | 'markResumed'>;
  repository: Pick<RunRepository, 'getThread' | 'activeRuns'>;
  runs: Pick<RunManager, 'create'>;
  /** The approval store's clock (decision times are on it). */
  clock?: () => Date;
}

export interface StrandedApprovalSweep {
  /**
   * Leave decisions younger than this alone: the process that recorded one may be creating its
   * resume right now. 0 at start-up, when no other process is alive to be doing so.
   */
  graceMs: number;
  /** Decisions looked at per sweep, oldest first (default 1,000). */
  limit?: number;
}

export interface ResumedApproval {
  approval: ApprovalRequest;
  run: RunRecord;
}

/**
 * Resume the approvals whose decision was recorded but whose resume never ran or never
 * finished (the process died between the decision and the run, or the decision was made with
 * `"resume": false`): a decided request whose thread still waits at it, `interrupted`, with no
 * run pending or running, gets the resume run the approvals route would have made, with the
 * requester's authority and the approver as actor. The `reject` strategy under the thread's lock
 * makes two sweepers (or a sweeper and a client) start at most one. A request whose thread moved
 * past it, is gone, or ended `idle`/`error` at it (a resume that was cancelled or failed: a person
 * looks at those) leaves the list.
 * @example const resumed = await resumeStrandedApprovals({ approvals, repository, runs }, { graceMs: 0 });
 */
export async function resumeStrandedApprovals(dependencies: StrandedApprovalDependencies, sweep: StrandedApprovalSweep): Promise<ResumedApproval[]> {
  const { approvals, repository } = dependencies;
  const now = (dependencies.clock ?? (() => new Date()))().getTime();
  const resumed: ResumedApproval[] = [];
  for (const approval of await approvals.listUnresumed(sweep.limit ?? 1_000)) {
    try {
      const thread = await repository.getThread(approval.tenantId, approval.threadId);
      const waiting = thread !== undefined && approvalIdsIn(Object.values(thread.interrupts ?? {}).flat()).includes(approval.id);
      if (!thread || !waiting || thread.status === 'idle' || thread.status === 'error' || typeof thread.metadata.graph_id !== 'string') {
        await approvals.markResumed(approval.id);
        continue;
      }
      // `busy`: its resume (or another run) is under way; looked at again next time.
      if (thread.status !== 'interrupted') continue;
      const decidedAt = Date.parse(approval.decision?.decidedAt ?? '');
      if (Number.isFinite(decidedAt) && now - decidedAt < sweep.graceMs) continue;
      if ((await repository.activeRuns(approval.tenantId, approval.threadId)).length > 0) continue;
      const run = await resumeDecidedApproval(dependencies.runs, {
        approval,
        thread,
        actor: approval.decision?.approver ?? 'system',
        multitaskStrategy: 'reject',
      });
      resumed.push({ approval, run });
    } catch (error) {
      // CONFLICT: a run started on the thread meanwhile (another sweeper, a client); it is theirs.
      if (!(isAppError(error) && error.code === 'CONFLICT')) logError(`could not resume approval ${approval.id} on thread ${approval.threadId}:`, error);
    }
  }
  return resumed;
}

export interface StrandedApprovalSweeperOptions extends StrandedApprovalDependencies {
  /** Between two sweeps; decisions at least this old are resumed. */
  intervalMs: number;
  /** Several processes on one store: only the one this answers true for sweeps this time. */
  claim?: () => Promise<boolean>;
  onResumed?: (resumed: ResumedApproval[]) => void;
}

/**
 * Sweep for stranded approvals every `intervalMs`, one sweep at a time (the next starts once the
 * last has ended); `stop` ends it.
 */
export function startStrandedApprovalSweeper(options: StrandedApprovalSweeperOptions): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const next = () => {
    if (stopped) return;
    timer = setTimeout(() => void sweepOnce().finally(next), options.intervalMs);
    timer.unref();
  };
  async function sweepOnce() {
    try {
      if (options.claim && !(await options.claim())) return;
      const resumed = await resumeStrandedApprovals(options, { graceMs: options.intervalMs });
      if (resumed.length > 0) options.onResumed?.(resumed);
    } catch (error) {
      logError('the sweep for stranded approvals failed:', error);
    }
  }
  next();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
