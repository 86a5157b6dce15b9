import { AppError } from '../errors.ts';
import type { CreateRunOptions, ThreadRecord } from '../runs/index.ts';
import type { Services } from '../services.ts';
import { approvalIdsIn, closedError, type ApprovalRequest, type ClosedApprovalStatus } from '../tools/index.ts';

/*
 * An approval can take effect only while its thread waits at its interrupt. These close the
 * ones that no longer can (superseded by a new message, orphaned by a deleted or moved-on
 * thread), so they leave the pending list and a late decision answers 409 with the reason
 * instead of 200 and nothing.
 */

type LifecycleServices = Pick<Services, 'approvals' | 'audit' | 'repository'>;

interface Closing {
  tenantId: string;
  threadId: string;
  status: ClosedApprovalStatus;
  reason: string;
  /** Who caused it (the API key's name). */
  actor: string;
}

/** Close each still-pending request, auditing `approval.superseded` or `approval.orphaned`. */
async function closeApprovals(services: LifecycleServices, ids: readonly string[], closing: Closing): Promise<ApprovalRequest[]> {
  const closed: ApprovalRequest[] = [];
  for (const id of new Set(ids)) {
    const request = await services.approvals.close(id, { tenantId: closing.tenantId, status: closing.status, reason: closing.reason });
    if (request === undefined) continue;
    closed.push(request);
    await services.audit.append({
      tenantId: closing.tenantId,
      type: closing.status === 'superseded' ? 'approval.superseded' : 'approval.orphaned',
      threadId: closing.threadId,
      ...(request.runId ? { runId: request.runId } : {}),
      actor: closing.actor,
      data: { approvalId: request.id, tool: request.tool, argsHash: request.argsHash, reason: closing.reason },
    });
  }
  return closed;
}

// The record's interrupts are what the thread's last run (or state update) left it waiting at.
function waitingApprovals(thread: ThreadRecord): string[] {
  return approvalIdsIn(Object.values(thread.interrupts ?? {}).flat());
}

/**
 * A new message on a thread paused at approvals drops those interrupts (LangGraph continues
 * from the input), so the approvals are superseded: the run manager's `beforeAccept` for a run
 * with new input, called under the thread's lock, where every decision that resumes is made
 * too (`decideUnderThreadLock`). So exactly one wins: a message on an idle thread whose approval
 * was decided first is refused (409: the decision resumes first); one behind a run (the resumed
 * one) follows its multitask strategy; otherwise the approvals are superseded before the run is
 * stored, and a decision after that answers 409.
 */
export function supersedeWhenAccepted(services: LifecycleServices, actor: string): NonNullable<CreateRunOptions['beforeAccept']> {
  return async (thread, { idle }) => {
    const waiting = waitingApprovals(thread);
    if (waiting.length === 0) return;
    if (idle) {
      for (const id of waiting) {
        const request = await services.approvals.get(id);
        if (request?.decision !== undefined) {
          throw new AppError('CONFLICT', `Approval ${id} on this thread was ${request.status} by ${request.decision.approver} and resumes the thread first; send the message once that run has started`, {
            details: { approval_id: id, status: request.status },
          });
        }
      }
    }
    await closeApprovals(services, waiting, {
      tenantId: thread.tenant_id, threadId: thread.thread_id, status: 'superseded', reason: 'superseded by a new message on the thread', actor,
    });
  };
}

/** After a state update: approvals the thread waited at and no longer does are superseded by it. */
export async function supersedeDroppedApprovals(services: LifecycleServices, before: ThreadRecord, stillWaiting: readonly unknown[], actor: string) {
  const kept = new Set(approvalIdsIn(stillWaiting));
  return closeApprovals(services, waitingApprovals(before).filter((id) => !kept.has(id)), {
    tenantId: before.tenant_id, threadId: before.thread_id, status: 'superseded', reason: 'superseded by an update of the thread\'s state', actor,
  });
}

/** A deleted thread's pending approvals can never resume. */
export async function orphanThreadApprovals(services: LifecycleServices, tenantId: string, threadId: string, actor: string) {
  const pending = (await services.approvals.listPending(tenantId)).filter((request) => request.threadId === threadId);
  return closeApprovals(services, pending.map((request) => request.id), {
    tenantId, threadId, status: 'orphaned', reason: 'orphaned when its thread was deleted', actor,
  });
}

/**
 * The thread a pending request can still take effect on: it exists and waits at this very
 * interrupt. Otherwise the request is closed as orphaned and this throws 409 with the reason;
 * a thread that is running right now answers 409 and closes nothing (it may pause here again).
 */
export async function requireWaitingThread(services: LifecycleServices, request: ApprovalRequest, actor: string): Promise<ThreadRecord> {
  const thread = await services.repository.getThread(request.tenantId, request.threadId);
  if (thread?.status === 'busy') {
    throw new AppError('CONFLICT', `Thread ${request.threadId} is running; an approval can be decided while its thread waits for it`);
  }
  if (thread !== undefined && waitingApprovals(thread).includes(request.id)) return thread;
  // Read as "it was <reason> at <time>".
  const reason = thread === undefined ? 'orphaned: its thread was found gone' : 'orphaned: its thread was found no longer waiting for it';
  const [closed] = await closeApprovals(services, [request.id], { tenantId: request.tenantId, threadId: request.threadId, status: 'orphaned', reason, actor });
  // Someone else closed or decided it meanwhile: report what it is now.
  throw closedError(closed ?? (await services.approvals.get(request.id)) ?? request);
}
