import type { InjectionFlag } from '../guards/injection-flag.ts';

export type ApprovalStatus = 'pending' | 'approved' | 'edited' | 'rejected' | 'expired';

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
  createdAt: string;
  expiresAt: string;
  status: ApprovalStatus;
  decision?: ApprovalDecision;
}

export interface ApprovalReview {
  verdict: string;
  reasons: string[];
  /** The facts the rules judged, as the domain presents them. */
  facts?: unknown;
}

export type NewApprovalRequest = Omit<ApprovalRequest, 'status' | 'decision'>;

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
}

export const statusByVerdict: Record<ApprovalVerdict, ApprovalStatus> = { approve: 'approved', edit: 'edited', reject: 'rejected' };
