import { AppError } from '../../errors.ts';
import type { ApprovalDecision, ApprovalRequest, DecideApprovalInput } from './approval-request.ts';

/**
 * The checks every approval store makes before recording a decision, in one place so the
 * SQLite and Redis stores agree. Returns the decision record to store.
 */
export function checkDecisionInput(request: ApprovalRequest | undefined, input: DecideApprovalInput, now: Date): ApprovalDecision {
  if (request === undefined || request.tenantId !== input.tenantId) throw new AppError('NOT_FOUND', 'No such approval request');
  if (input.approver.trim() === '') throw new AppError('VALIDATION_FAILED', 'A decision needs an approver');
  if (input.decision === 'edit' && input.args === undefined) throw new AppError('VALIDATION_FAILED', 'An edit needs the new arguments');
  if (input.decision !== 'edit' && input.args !== undefined) throw new AppError('VALIDATION_FAILED', `A ${input.decision} takes no arguments; use edit`);
  if (request.closed !== undefined) throw closedError(request);
  if (request.status !== 'pending') throw new AppError('CONFLICT', `The approval request is already ${request.status}`);
  const decision: ApprovalDecision = { decision: input.decision, approver: input.approver, decidedAt: now.toISOString() };
  if (input.reason !== undefined) decision.reason = input.reason;
  if (input.args !== undefined) decision.args = input.args;
  return decision;
}

export function isExpired(request: ApprovalRequest, now: Date): boolean {
  return now.getTime() >= Date.parse(request.expiresAt);
}

export const expiredError = () =>
  new AppError('CONFLICT', 'The approval request expired before it was decided', { details: { status: 'expired' } });

/** A superseded or orphaned request: why deciding it could not take effect. */
export function closedError(request: ApprovalRequest): AppError {
  const when = request.closed ? ` at ${request.closed.at}` : '';
  return new AppError('CONFLICT', `The approval request can no longer take effect: it was ${request.closed?.reason ?? request.status}${when}`, {
    details: { status: request.status, reason: request.closed?.reason ?? null, closed_at: request.closed?.at ?? null },
  });
}
