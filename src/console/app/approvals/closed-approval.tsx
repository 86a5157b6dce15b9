import type { Api } from '../api-client.ts';
import { dateTime, shortId } from '../format.ts';
import { ErrorMessage, Loading } from '../status-views.tsx';
import { useLoad } from '../use-load.ts';
import type { Approval } from './approval.ts';

interface Closure { closed?: { reason: string; at: string } | null }

/** Why an approval left the inbox while it was on screen, in words. */
export function closedMessage(approval: Approval & Closure): string {
  const decision = approval.decision;
  if (approval.status === 'approved' || approval.status === 'edited' || approval.status === 'rejected') {
    return `It was ${approval.status} by ${decision?.approver ?? 'another approver'}${decision?.reason ? ` ("${decision.reason}")` : ''}.`;
  }
  if (approval.closed) return `It can no longer take effect: it was ${approval.closed.reason}.`;
  // Still pending yet no longer listed: the server's clock passed its expiry.
  return `It expired at ${dateTime(approval.expires_at)} before anyone decided it; it can no longer be approved.`;
}

/**
 * An approval that was on screen and left the pending list (decided elsewhere, expired or
 * superseded): it stays, greyed, saying why, until dismissed, so nobody wonders where it went.
 */
export function ClosedApproval({ api, approval, onDismiss }: { api: Api; approval: Approval; onDismiss: () => void }) {
  const current = useLoad(() => api.get<Approval & Closure>(`/approvals/${encodeURIComponent(approval.id)}`), [api, approval.id]);
  return (
    <article class="card closed-approval" data-approval-id={approval.id} data-status={current.data?.status} aria-label={`No longer waiting: ${approval.tool}`}>
      <h3>{approval.tool} on thread {shortId(approval.thread_id)} is no longer waiting</h3>
      {current.data ? <p role="status" data-field="closed-message">{closedMessage(current.data)}</p> : current.loading ? <Loading what="what happened" /> : <ErrorMessage error={current.error} />}
      <button type="button" onClick={onDismiss} aria-label={`Dismiss the notice about ${approval.tool}`}>Dismiss</button>
    </article>
  );
}
