import { useState } from 'preact/hooks';
import { ApiError, type Api } from '../api-client.ts';
import { dateTime, dollars, untilExpiry, shortId } from '../format.ts';
import { ErrorMessage } from '../status-views.tsx';
import { href } from '../use-hash-route.ts';
import type { Approval } from './approval.ts';
import { ArgumentsView, EvidenceView } from './arguments-view.tsx';
import { CitedPassages } from './cited-passages.tsx';
import { SchemaForm } from './schema-form.tsx';

type Mode = 'view' | 'edit' | 'reject';

/** `issue_refund of $842.00 on order 1004`: what a screen reader hears on each action. */
function describe(approval: Approval): string {
  const amount = Object.entries(approval.args).find(([name, value]) => /Cents$/.test(name) && typeof value === 'number');
  const order = approval.args.orderId === undefined ? '' : ` on order ${String(approval.args.orderId)}`;
  return `${approval.tool}${amount ? ` of ${dollars(amount[1] as number)}` : ''}${order}`;
}

/**
 * One pending approval: what would run and why it waits, and the three decisions. A decision
 * is sent with `POST /approvals/{id}`; the server binds it to the arguments' hash and to the
 * signed-in caller, and for an edit validates and guards the new arguments again.
 */
export function ApprovalCard({ api, approval, onDecided }: { api: Api; approval: Approval; onDecided: (message: string) => void }) {
  const [mode, setMode] = useState<Mode>('view');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  // The server decides expiry by its own clock (and refuses a late decision, saying it expired).
  const expiry = untilExpiry(approval.expires_at);
  const what = describe(approval);
  const prefix = `approval-${approval.id}`;

  async function decide(body: Record<string, unknown>, done: string) {
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/approvals/${encodeURIComponent(approval.id)}`, body);
      onDecided(done);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, 'CLIENT', String(caught)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <article class="card approval" data-approval-id={approval.id} data-tool={approval.tool} aria-labelledby={`${prefix}-title`}>
      <header>
        <h3 id={`${prefix}-title`}>{what}</h3>
        <span class="badge pending" data-expiry title={`By this browser's clock it ${expiry.text}`}>Expires {dateTime(approval.expires_at)}</span>
      </header>
      <p class="meta">
        Asked by <strong data-field="requested-by">{approval.requested_by ?? 'unknown'}</strong> on {dateTime(approval.created_at)} · thread <a href={href('threads', approval.thread_id)}>{approval.thread_id}</a>
        {approval.run_id && <> · run <a href={href('runs', approval.thread_id, approval.run_id)}>{shortId(approval.run_id)}</a></>}
      </p>
      <section aria-label="Arguments"><h4>Arguments</h4><ArgumentsView args={approval.args} id={`${prefix}-args`} /></section>
      <section aria-label="Policy">
        <h4>Policy</h4>
        <p><strong data-field="policy">{approval.policy}</strong>: {approval.reason}</p>
      </section>
      <section aria-label="Review">
        <h4>Reviewer</h4>
        {approval.review ? (
          <>
            <p>Verdict: <strong data-field="verdict">{approval.review.verdict}</strong></p>
            {approval.review.reasons.length > 0 && <ul>{approval.review.reasons.map((reason) => <li>{reason}</li>)}</ul>}
            <details><summary>Evidence: the facts the rules judged</summary><EvidenceView facts={approval.review.facts} /></details>
          </>
        ) : <p class="muted">No pre-action review was recorded.</p>}
        <details><summary>Evidence: cited passages</summary><CitedPassages api={api} threadId={approval.thread_id} /></details>
        {approval.flags.length > 0 && <p class="warning">Flags: {approval.flags.map((flag) => JSON.stringify(flag)).join('; ')}</p>}
      </section>
      {mode === 'view' && (
        <div class="actions" role="group" aria-label={`Decide ${what}`}>
          <button type="button" class="primary" data-action="approve" disabled={busy} aria-label={`Approve ${what}`} onClick={() => decide({ decision: 'approve' }, `Approved ${what}.`)}>Approve</button>
          <button type="button" data-action="edit" disabled={busy || !approval.args_schema} aria-label={`Edit the arguments of ${what}`} onClick={() => setMode('edit')}>Edit…</button>
          <button type="button" class="danger" data-action="reject" disabled={busy} aria-label={`Reject ${what}`} onClick={() => setMode('reject')}>Reject…</button>
        </div>
      )}
      {mode === 'edit' && approval.args_schema && (
        <SchemaForm
          idPrefix={`${prefix}-edit`}
          schema={approval.args_schema}
          initial={approval.args}
          submitLabel="Approve the edited call"
          busy={busy}
          onSubmit={(args) => decide({ decision: 'edit', args }, `Edited ${what}; the run goes on with the new arguments.`)}
          onCancel={() => setMode('view')}
        />
      )}
      {mode === 'reject' && (
        <form class="reject" aria-label={`Reject ${what}`} onSubmit={(event) => { event.preventDefault(); void decide({ decision: 'reject', ...(message.trim() ? { reason: message.trim() } : {}) }, `Rejected ${what}.`); }}>
          <label for={`${prefix}-message`}>Message for the customer (optional)</label>
          <textarea id={`${prefix}-message`} name="message" rows={2} maxLength={1000} value={message} onInput={(event) => setMessage(event.currentTarget.value)} />
          <div class="actions">
            <button type="submit" class="danger" data-action="submit-reject" disabled={busy}>Reject</button>
            <button type="button" onClick={() => setMode('view')} disabled={busy}>Cancel</button>
          </div>
        </form>
      )}
      <div class="decision-error"><ErrorMessage error={error} /></div>
    </article>
  );
}
