import { AppError } from '../errors.ts';
import type { CreateRunOptions, CreateRunRequest } from '../runs/index.ts';
import type { Services } from '../services.ts';
import {
  approvalInterruptsIn,
  approvalResumeSchema,
  readResumeDecisions,
  restoreArgumentTypes,
  type ApprovalRequester,
  type ResumeDecision,
} from '../tools/index.ts';
import type { Caller } from './app-env.ts';
import { supersedeWhenAccepted } from './approval-lifecycle.ts';
import { decideApproval, requesterAuthority } from './decide-approval.ts';
import { requireScope } from './middleware/authenticate.ts';

type ResumeServices = Parameters<typeof decideApproval>[0] & Pick<Services, 'runs'>;

/** A thread run as the approval rules make it: the request, and what its acceptance decides under the thread's lock. */
export interface ApprovalAwareRun {
  request: CreateRunRequest;
  options: CreateRunOptions;
}

interface WaitingApproval {
  interruptId?: string;
  approvalId: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The decisions a resume value gives each waiting approval: the plain value when the thread
 * waits at exactly one interrupt, or a map from interrupt id to value (the thread protocol's
 * `input.respond`, LangGraph's resume map). Undefined when it carries no decisions.
 */
function decisionsByApproval(resume: unknown, waiting: WaitingApproval[], interruptCount: number): Map<WaitingApproval, ResumeDecision[]> | undefined {
  const plain = readResumeDecisions(resume);
  if (plain !== undefined) {
    if (interruptCount !== 1) {
      throw new AppError('VALIDATION_FAILED', `The thread waits at ${interruptCount} interrupts; resume with a map from interrupt id to its decisions`, {
        details: [{ path: 'command.resume', message: `One of ${waiting.map((entry) => entry.interruptId ?? entry.approvalId).join(', ')}` }],
      });
    }
    return new Map([[waiting[0]!, plain]]);
  }
  if (!isRecord(resume)) return undefined;
  const byApproval = new Map<WaitingApproval, ResumeDecision[]>();
  for (const entry of waiting) {
    const decisions = entry.interruptId === undefined ? undefined : readResumeDecisions(resume[entry.interruptId]);
    if (decisions !== undefined) byApproval.set(entry, decisions);
  }
  return byApproval.size > 0 ? byApproval : undefined;
}

/** The one requester the resumed run acts for; approvals of one paused run share it. */
function oneRequester(requesters: Array<ApprovalRequester | undefined>): ApprovalRequester {
  const [first] = requesters;
  const same = requesters.every((requester) => requester !== undefined && requester.actor === first?.actor && requester.scopes.join(' ') === first.scopes.join(' '));
  if (!first || !same) throw new AppError('CONFLICT', 'These approvals were asked by different runs; decide them one at a time');
  return first;
}

async function decide(services: ResumeServices, caller: Caller, entry: WaitingApproval, decisions: ResumeDecision[]) {
  if (decisions.length !== 1) {
    throw new AppError('VALIDATION_FAILED', `Approval ${entry.approvalId} asks about one action; send exactly one decision for it (got ${decisions.length})`);
  }
  const [decision] = decisions as [ResumeDecision];
  let args = decision.args;
  if (decision.decision === 'edit') {
    const request = await services.approvals.get(entry.approvalId);
    if (request && request.tenantId === caller.tenantId && decision.tool !== undefined && decision.tool !== request.tool) {
      throw new AppError('VALIDATION_FAILED', `An edit keeps the tool: approval ${entry.approvalId} is for "${request.tool}", not "${decision.tool}"`);
    }
    if (request && args !== undefined) args = restoreArgumentTypes(request.args, args);
  }
  return decideApproval(services, caller, entry.approvalId, {
    decision: decision.decision,
    ...(args === undefined ? {} : { args }),
    ...(decision.reason === undefined ? {} : { reason: decision.reason }),
    resume: true,
  });
}

/**
 * A run on a thread, made to follow the approval rules whatever client sent it. New input (no
 * command) supersedes the approvals the thread waits at when it is accepted (`supersedeWhenAccepted`).
 * A resume with `decisions` (LangChain's `{ decisions: [...] }` or Agent Inbox's responses): the
 * caller needs `approvals:write`, each decision is recorded under the caller's name exactly as
 * `POST /approvals/{id}` records it, under the thread's lock as the run is accepted (so a new
 * message cannot slip in between), and the run resumes with the approval ids and the
 * requester's authority. A resume naming an approval already decided acts with the requester's
 * authority too. Any other resume value, or a thread not waiting at an approval, passes through
 * unchanged (a graph's own interrupts take their own values).
 */
export async function applyApprovalResume(services: ResumeServices, caller: Caller, request: CreateRunRequest): Promise<ApprovalAwareRun> {
  const command = request.command;
  if (request.threadId === undefined) return { request, options: {} };
  if (command == null) return { request, options: request.input == null ? {} : { beforeAccept: supersedeWhenAccepted(services, caller.name) } };
  if (command.resume == null) return { request, options: {} };
  const thread = await services.repository.getThread(caller.tenantId, request.threadId);
  const interrupts = Object.values(thread?.interrupts ?? {}).flat();
  const waiting = approvalInterruptsIn(interrupts);
  if (waiting.length === 0) return { request, options: {} };
  // The requester's authority is lent only to a resume that changes nothing else.
  const pureResume = command.goto == null && Object.keys(command.update ?? {}).length === 0;

  const byApproval = decisionsByApproval(command.resume, waiting, interrupts.length);
  if (byApproval !== undefined) {
    requireScope(caller, 'approvals:write');
    if (!pureResume) throw new AppError('VALIDATION_FAILED', 'A resume with decisions acts with the authority of the run that asked, so it cannot also update or redirect the thread');
    const decideAll = async () => {
      for (const [entry, decisions] of byApproval) await decide(services, caller, entry, decisions);
    };
    const requesters: Array<ApprovalRequester | undefined> = [];
    const resumes = new Map<WaitingApproval, { approvalId: string }>();
    for (const entry of byApproval.keys()) {
      const approval = await services.approvals.get(entry.approvalId);
      if (!approval || approval.tenantId !== caller.tenantId) throw new AppError('NOT_FOUND', 'Approval request not found');
      requesters.push(approval.requestedBy);
      resumes.set(entry, { approvalId: approval.id });
    }
    // A request that records no requester cannot resume: deciding says why (409), and records nothing.
    if (requesters.some((requester) => requester === undefined)) await services.runs.withThread(caller.tenantId, request.threadId, decideAll);
    // Only the ids travel: the guard reads each decision and its approver from the store.
    const resume = readResumeDecisions(command.resume) !== undefined
      ? resumes.values().next().value
      : { ...(command.resume as Record<string, unknown>), ...Object.fromEntries([...resumes].map(([entry, value]) => [entry.interruptId!, value])) };
    return {
      request: { ...request, command: { resume }, ...requesterAuthority(oneRequester(requesters)), actor: caller.name },
      // Recorded under the thread's lock as the run is accepted: a decision that fails accepts no run.
      options: { beforeAccept: decideAll },
    };
  }

  // A resume naming approvals an approver already decided (`POST /approvals/{id}` with "resume": false).
  const named = namedApprovals(command.resume, waiting);
  if (!pureResume || named.length === 0) return { request, options: {} };
  const decided = await Promise.all(named.map((approvalId) => services.approvals.get(approvalId)));
  if (!decided.every((approval) => approval?.tenantId === caller.tenantId && approval.decision !== undefined)) return { request, options: {} };
  return { request: { ...request, ...requesterAuthority(oneRequester(decided.map((approval) => approval?.requestedBy))) }, options: {} };
}

/** The waiting approvals a resume value names by id: plainly, or in a map by interrupt id. */
function namedApprovals(resume: unknown, waiting: WaitingApproval[]): string[] {
  const ids = new Set(waiting.map((entry) => entry.approvalId));
  const plain = approvalResumeSchema.safeParse(resume);
  const values = plain.success ? [plain.data] : isRecord(resume)
    ? waiting.flatMap((entry) => {
      const parsed = entry.interruptId === undefined ? undefined : approvalResumeSchema.safeParse(resume[entry.interruptId]);
      return parsed?.success ? [parsed.data] : [];
    })
    : [];
  return values.map((value) => value.approvalId).filter((approvalId) => ids.has(approvalId));
}
