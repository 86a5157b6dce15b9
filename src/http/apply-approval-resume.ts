import { AppError } from '../errors.ts';
import type { CreateRunRequest } from '../runs/index.ts';
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
import { decideApproval, requesterAuthority } from './decide-approval.ts';
import { requireScope } from './middleware/authenticate.ts';

type ResumeServices = Parameters<typeof decideApproval>[0];

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
 * A run that resumes a thread paused at approvals, made to follow the approval rules whatever
 * client sent it. With `decisions` (LangChain's `{ decisions: [...] }` or Agent Inbox's
 * responses): the caller needs `approvals:write`, each decision is recorded under the caller's
 * name exactly as `POST /approvals/{id}` records it, and the run resumes with the approval ids
 * and the requester's authority. A resume naming an approval already decided acts with the
 * requester's authority too. Any other resume value, or a thread not waiting at an approval,
 * passes through unchanged (a graph's own interrupts take their own values).
 */
export async function applyApprovalResume(services: ResumeServices, caller: Caller, request: CreateRunRequest): Promise<CreateRunRequest> {
  const command = request.command;
  if (request.threadId === undefined || command?.resume == null) return request;
  const thread = await services.repository.getThread(caller.tenantId, request.threadId);
  const interrupts = Object.values(thread?.interrupts ?? {}).flat();
  const waiting = approvalInterruptsIn(interrupts);
  if (waiting.length === 0) return request;
  // The requester's authority is lent only to a resume that changes nothing else.
  const pureResume = command.goto == null && Object.keys(command.update ?? {}).length === 0;

  const byApproval = decisionsByApproval(command.resume, waiting, interrupts.length);
  if (byApproval !== undefined) {
    requireScope(caller, 'approvals:write');
    if (!pureResume) throw new AppError('VALIDATION_FAILED', 'A resume with decisions acts with the authority of the run that asked, so it cannot also update or redirect the thread');
    const requesters: Array<ApprovalRequester | undefined> = [];
    const resumes = new Map<WaitingApproval, { approvalId: string }>();
    for (const [entry, decisions] of byApproval) {
      const decided = await decide(services, caller, entry, decisions);
      requesters.push(decided.requester);
      resumes.set(entry, { approvalId: decided.approval.id });
    }
    // Only the ids travel: the guard reads each decision and its approver from the store.
    const resume = readResumeDecisions(command.resume) !== undefined
      ? resumes.values().next().value
      : { ...(command.resume as Record<string, unknown>), ...Object.fromEntries([...resumes].map(([entry, value]) => [entry.interruptId!, value])) };
    return { ...request, command: { resume }, ...requesterAuthority(oneRequester(requesters)), actor: caller.name };
  }

  // A resume naming approvals an approver already decided (`POST /approvals/{id}` with "resume": false).
  const named = namedApprovals(command.resume, waiting);
  if (!pureResume || named.length === 0) return request;
  const decided = await Promise.all(named.map((approvalId) => services.approvals.get(approvalId)));
  if (!decided.every((approval) => approval?.tenantId === caller.tenantId && approval.decision !== undefined)) return request;
  return { ...request, ...requesterAuthority(oneRequester(decided.map((approval) => approval?.requestedBy))) };
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
