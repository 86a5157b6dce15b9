import type { InjectionFlag } from '../guards/injection-flag.ts';

/**
 * `superseded`: a new message on the thread dropped the interrupt it waited at; `orphaned`: its
 * thread is gone or no longer waits at it. Neither can take effect any more, like `expired`.
 */
export type ApprovalStatus = 'pending' | 'approved' | 'edited' | 'rejected' | 'expired' | 'superseded' | 'orphaned';

export const approvalStatuses: readonly ApprovalStatus[] = ['pending', 'approved', 'edited', 'rejected', 'expired', 'superseded', 'orphaned'];

/** Closed without a decision: the request can no longer take effect. */
export type ClosedApprovalStatus = Extract<ApprovalStatus, 'superseded' | 'orphaned'>;

export type ApprovalVerdict = 'approve' | 'edit' | 'reject';

/** What a person decided, and who: the approver comes from the authenticated caller, never a request body. */
export interface ApprovalDecision {
  decision: ApprovalVerdict;
  approver: string;
  decidedAt: string;
  reason?: string;
  /** The replacement arguments of an `edit`; the guard validates them against the tool schema. */
  args?: unknown;
}

/** A side effect waiting for a person, bound to the exact arguments (by hash) it was asked for. */
export interface ApprovalRequest {
  id: string;
  tenantId: string;
  threadId: string;
  runId?: string;
  toolCallId: string;
  tool: string;
  /** Canonical validated arguments. */
  args: unknown;
  argsHash: string;
  /** The policy that asked, e.g. `refund-above-500`. */
  policy: string;
  reason: string;
  flags?: InjectionFlag[];
  /** The pre-action review of the call (policy rules, then the reviewer model), shown to the approver. */
  review?: ApprovalReview;
  /**
   * The run that asked: its actor and scopes. A decision resumes the run with this authority,
   * never the approver's, so approving cannot lend the call scopes its requester lacked.
   */
  requestedBy?: ApprovalRequester;
  createdAt: string;
  expiresAt: string;
  status: ApprovalStatus;
  decision?: ApprovalDecision;
  /** Why and when a `superseded` or `orphaned` request was closed. */
  closed?: ApprovalClosure;
}

export interface ApprovalReview {
  verdict: string;
  reasons: string[];
  /** The facts the rules judged, as the domain presents them. */
  facts?: unknown;
}

export interface ApprovalRequester {
  actor: string;
  scopes: string[];
}

export interface ApprovalClosure {
  /** A clause that reads after "it was", e.g. `superseded by a new message on the thread at …`. */
  reason: string;
  at: string;
}

export type NewApprovalRequest = Omit<ApprovalRequest, 'status' | 'decision' | 'closed'>;

export interface CloseApprovalInput {
  tenantId: string;
  status: ClosedApprovalStatus;
  reason: string;
}

export interface DecideApprovalInput {
  /** The tenant of the person deciding; a request of another tenant is "not found". */
  tenantId: string;
  decision: ApprovalVerdict;
  approver: string;
  args?: unknown;
  reason?: string;
}

export interface ApprovalStore {
  /** Create the request, or return the existing one with the same id (`created: false`). */
  create(request: NewApprovalRequest): Promise<{ request: ApprovalRequest; created: boolean }>;
  get(id: string): Promise<ApprovalRequest | undefined>;
  /** Undecided, unexpired requests of a tenant, oldest first. */
  listPending(tenantId: string): Promise<ApprovalRequest[]>;
  /**
   * Decide a pending request once. Throws NOT_FOUND (unknown id or other tenant),
   * CONFLICT (already decided, or expired: it is then marked `expired`), or
   * VALIDATION_FAILED (an edit without arguments, arguments on approve or reject).
   */
  decide(id: string, input: DecideApprovalInput): Promise<ApprovalRequest>;
  /**
   * Close a pending request that can no longer take effect (`superseded` or `orphaned`), with
   * the reason. Returns the closed request, or undefined when it is unknown, of another tenant
   * or no longer pending (a decision won the race).
   */
  close(id: string, input: CloseApprovalInput): Promise<ApprovalRequest | undefined>;
  /**
   * Decided requests of every tenant not yet marked resumed, oldest decision first, at most
   * `limit`: what the sweep for stranded approvals looks at (a decision whose resume never ran
   * or never finished). Only requests that record their requester are listed: only those can be
   * resumed with the authority of the run that asked.
   */
  listUnresumed(limit: number): Promise<ApprovalRequest[]>;
  /** Its thread moved past the request (resumed, or gone): it leaves `listUnresumed`. */
  markResumed(id: string): Promise<void>;
}

export const statusByVerdict: Record<ApprovalVerdict, ApprovalStatus> = { approve: 'approved', edit: 'edited', reject: 'rejected' };
