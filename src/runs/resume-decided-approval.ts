import { AppError } from '../errors.ts';
import type { ApprovalRequest } from '../tools/index.ts';
import type { MultitaskStrategy, RunRecord, ThreadRecord } from './run-records.ts';
import type { CreateRunOptions, RunManager } from './run-manager.ts';

export interface ResumeDecidedApprovalRequest {
  /** A decided request (approved, edited or rejected). */
  approval: ApprovalRequest;
  /** Its thread, waiting at the request. */
  thread: ThreadRecord;
  /** Whom the audit names as the run's actor: the approver. */
  actor: string;
  /** `enqueue` after a fresh decision; `reject` for a sweep, so two sweepers never both resume one thread. */
  multitaskStrategy?: MultitaskStrategy;
  /** Under the thread's lock before the run is accepted: where a fresh decision is recorded, so none can be recorded without its run. */
  beforeAccept?: CreateRunOptions['beforeAccept'];
}

/**
 * The run that resumes a thread paused at an approval with its decision, whoever asks (the
 * approvals route after a decision, the sweep for stranded approvals): it acts with the
 * authority of the run that asked (its scopes; its actor as `on_behalf_of`), never the
 * approver's, and carries only the approval id: the guard reads the decision from the store.
 * Throws CONFLICT when the request records no requester or its thread no graph.
 * @example const run = await resumeDecidedApproval(services.runs, { approval, thread, actor: 'support-manager' });
 */
export async function resumeDecidedApproval(runs: Pick<RunManager, 'create'>, request: ResumeDecidedApprovalRequest): Promise<RunRecord> {
  const { approval, thread } = request;
  const requester = approval.requestedBy;
  const graphId = thread.metadata.graph_id;
  if (!requester || typeof graphId !== 'string') {
    throw new AppError('CONFLICT', 'The decision is recorded, but its thread has no graph to resume');
  }
  return runs.create({
    tenantId: approval.tenantId,
    scopes: requester.scopes,
    onBehalfOf: requester.actor,
    threadId: approval.threadId,
    assistantId: graphId,
    command: { resume: { approvalId: approval.id } },
    actor: request.actor,
    multitaskStrategy: request.multitaskStrategy ?? 'enqueue',
  }, request.beforeAccept ? { beforeAccept: request.beforeAccept } : {});
}
