import { AppError } from '../errors.ts';
import { resumeDecidedApproval, type CreateRunRequest, type RunRecord, type ThreadRecord } from '../runs/index.ts';
import type { Services } from '../services.ts';
import {
  isToolAllowed,
  validateToolArguments,
  type ApprovalRequest,
  type ApprovalRequester,
  type ApprovalVerdict,
  type ToolDefinition,
} from '../tools/index.ts';
import type { Caller } from './app-env.ts';
import { requireWaitingThread } from './approval-lifecycle.ts';

/*
 * One way to decide an approval, whether the decision arrives by `POST /approvals/{id}` or as
 * `command.resume` with `decisions` (agent-chat-ui, Agent Inbox): the approver is the caller,
 * the decision is bound to the request's argument hash, an edit is validated here and guarded
 * again on resume, expiry and closed requests answer 409, and the resumed run acts with the
 * authority of the run that asked, never the approver's.
 */

export interface DecisionInput {
  decision: ApprovalVerdict;
  /** Replacement arguments (edit only). */
  args?: Record<string, unknown>;
  reason?: string;
  /** Whether the paused run is resumed with this decision (checked before it is recorded). */
  resume: boolean;
}

export interface DecidedApproval {
  approval: ApprovalRequest;
  /** The thread waiting at the approval, when it still did at decision time. */
  thread?: ThreadRecord;
  requester?: ApprovalRequester;
}

type DecideServices = Pick<Services, 'approvals' | 'audit' | 'repository' | 'tools' | 'safety'>;

/**
 * What would make a recorded decision do nothing, refused before it is recorded: a resume
 * without the requester's authority on record, a requester whose scopes the tool needs more
 * of, an edit the tool would refuse.
 */
function assertDecisionCanTakeEffect(tool: ToolDefinition | undefined, request: ApprovalRequest, input: DecisionInput): void {
  const requester = request.requestedBy;
  if (input.resume && !requester) {
    throw new AppError('CONFLICT', 'The approval request does not record the run that asked, so it cannot be resumed with that run\'s authority; decide it with "resume": false and resume the run from its own key');
  }
  if (input.resume && input.decision !== 'reject' && tool && requester && !isToolAllowed(tool, requester.scopes)) {
    throw new AppError('CONFLICT', `The run that asked lacks the scopes "${request.tool}" needs (${tool.scopes.join(', ')}), so approving it could not make it happen`);
  }
  if (input.decision === 'edit' && input.args !== undefined && tool) {
    // An edit the tool would refuse is refused here, where the approver can fix it.
    const validation = validateToolArguments(tool, input.args);
    if (!validation.ok) {
      throw new AppError('VALIDATION_FAILED', `The edited arguments are not valid for "${request.tool}"`, {
        details: validation.issues.map((issue) => ({ path: `args.${issue.field}`, message: issue.message })),
      });
    }
  }
}

/**
 * Record the caller's decision on an approval request of its tenant and audit it
 * (`approval.decided`, actor = the approver). Throws NOT_FOUND (unknown or another tenant's),
 * CONFLICT (already decided, expired, superseded, orphaned, its thread running) or
 * VALIDATION_FAILED (an edit the tool would refuse).
 */
export async function decideApproval(services: DecideServices, caller: Caller, approvalId: string, input: DecisionInput): Promise<DecidedApproval> {
  const request = await services.approvals.get(approvalId);
  if (!request || request.tenantId !== caller.tenantId) throw new AppError('NOT_FOUND', 'Approval request not found');
  // Checked before anything is recorded: a decision that cannot take effect answers 409, never 200 and nothing.
  const now = (services.safety.clock ?? (() => new Date()))();
  const decidable = request.status === 'pending' && now.getTime() < Date.parse(request.expiresAt);
  const thread = decidable ? await requireWaitingThread(services, request, caller.name) : undefined;
  if (decidable) assertDecisionCanTakeEffect(services.tools.get(request.tool), request, input);
  // Expired, already decided or closed requests are refused here, with the reason.
  const decided = await services.approvals.decide(approvalId, {
    tenantId: caller.tenantId,
    decision: input.decision,
    approver: caller.name,
    ...(input.args === undefined ? {} : { args: input.args }),
    ...(input.reason === undefined ? {} : { reason: input.reason }),
  });
  await services.audit.append({
    tenantId: caller.tenantId,
    type: 'approval.decided',
    threadId: decided.threadId,
    ...(decided.runId ? { runId: decided.runId } : {}),
    actor: caller.name,
    data: {
      approvalId: decided.id, tool: decided.tool, decision: input.decision, argsHash: decided.argsHash,
      reason: input.reason ?? null, requestedBy: request.requestedBy?.actor ?? null,
    },
  });
  return { approval: decided, ...(thread ? { thread } : {}), ...(request.requestedBy ? { requester: request.requestedBy } : {}) };
}

/**
 * Decide an approval and, with `input.resume`, resume its thread, atomically with runs being
 * accepted on the thread: the decision is recorded under the thread's lock as its run is
 * accepted (or, without resume, under the lock alone), so a new message on the thread either
 * superseded the approval before (this answers 409) or is refused or queued after it (see
 * `supersedeWhenAccepted`). `run` is the resumed run, when resumed.
 */
export async function decideAndResume(
  services: DecideServices & Pick<Services, 'runs'>,
  caller: Caller,
  approvalId: string,
  input: DecisionInput,
): Promise<DecidedApproval & { run?: RunRecord }> {
  const request = await services.approvals.get(approvalId);
  if (!request || request.tenantId !== caller.tenantId) throw new AppError('NOT_FOUND', 'Approval request not found');
  const decideNow = () => decideApproval(services, caller, approvalId, input);
  const thread = input.resume ? await services.repository.getThread(request.tenantId, request.threadId) : undefined;
  if (!thread || !request.requestedBy || typeof thread.metadata.graph_id !== 'string') {
    const decided = await services.runs.withThread(request.tenantId, request.threadId, decideNow);
    if (input.resume) throw new AppError('CONFLICT', 'The decision is recorded, but its thread has no graph to resume');
    return decided;
  }
  let decided: DecidedApproval | undefined;
  // The requester's authority; the approver is the actor the audit names. Should this process
  // die between the decision and the run, the sweep for stranded approvals makes the run.
  const run = await resumeDecidedApproval(services.runs, {
    approval: request,
    thread,
    actor: caller.name,
    beforeAccept: async () => {
      decided = await decideNow();
    },
  });
  return { ...decided!, run };
}

/**
 * Whose authority a run resuming a decided approval acts with: the requester's scopes, its actor
 * as `on_behalf_of`; the approver stays the run's `actor`, whom the audit names.
 */
export function requesterAuthority(requester: ApprovalRequester): Pick<CreateRunRequest, 'scopes' | 'onBehalfOf'> {
  return { scopes: requester.scopes, onBehalfOf: requester.actor };
}
