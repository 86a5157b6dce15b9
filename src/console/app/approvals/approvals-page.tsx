import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../api-client.ts';
import { dateTime, shortId } from '../format.ts';
import { Empty, ErrorMessage, Loading } from '../status-views.tsx';
import { href } from '../use-hash-route.ts';
import { useLoad } from '../use-load.ts';
import type { Approval, AuditRecord } from './approval.ts';
import { ApprovalCard } from './approval-card.tsx';
import { ClosedApproval } from './closed-approval.tsx';

// Live enough for a person, light for the server: the inbox and the decisions refresh this often.
const refreshMs = 2_000;

interface DecidedData {
  approvalId?: string;
  tool?: string;
  decision?: string;
  reason?: string | null;
  requestedBy?: string | null;
}

/** Pending approvals newest first, and the latest decisions (from the audit trail) with who made them. */
export function ApprovalsPage({ api }: { api: Api }) {
  const pending = useLoad(() => api.get<Approval[]>('/approvals'), [api], refreshMs);
  const decided = useLoad(() => api.get<AuditRecord[]>('/audit', { action: 'approval.decided', order: 'desc', limit: 20 }), [api], refreshMs);
  const [notice, setNotice] = useState('');
  // Approvals shown before that the latest list no longer has, unless this page decided them.
  const shown = useRef(new Map<string, Approval>());
  const [gone, setGone] = useState<Approval[]>([]);
  useEffect(() => {
    if (!pending.data) return;
    const listed = new Set(pending.data.map((approval) => approval.id));
    const left = [...shown.current.values()].filter((approval) => !listed.has(approval.id));
    if (left.length > 0) setGone((previous) => [...left, ...previous]);
    shown.current = new Map(pending.data.map((approval) => [approval.id, approval]));
  }, [pending.data]);
  const newestFirst = [...(pending.data ?? [])].sort((first, second) => second.created_at.localeCompare(first.created_at));

  return (
    <>
      <h1>Approvals</h1>
      <p class="notice" role="status" aria-live="polite" id="notice">{notice}</p>
      <section aria-labelledby="pending-title" id="pending">
        <h2 id="pending-title">Waiting for a decision {pending.data && <span class="count">{pending.data.length}</span>}</h2>
        <ErrorMessage error={pending.error} />
        {!pending.data && pending.loading && <Loading what="approvals" />}
        {pending.data && newestFirst.length === 0 && <Empty>Nothing waits for approval.</Empty>}
        {newestFirst.map((approval) => (
          <ApprovalCard key={approval.id} api={api} approval={approval} onDecided={(message) => { shown.current.delete(approval.id); setNotice(message); pending.reload(); decided.reload(); }} />
        ))}
        {gone.map((approval) => <ClosedApproval key={`gone-${approval.id}`} api={api} approval={approval} onDismiss={() => setGone(gone.filter((other) => other.id !== approval.id))} />)}
      </section>
      <section aria-labelledby="decided-title" id="decided">
        <h2 id="decided-title">Decided</h2>
        <ErrorMessage error={decided.error} />
        {!decided.data && decided.loading && <Loading what="decisions" />}
        {decided.data && decided.data.length === 0 && <Empty>No approval was decided yet.</Empty>}
        {decided.data && decided.data.length > 0 && (
          <div class="table-wrap">
            <table>
              <thead><tr><th>When</th><th>Tool</th><th>Decision</th><th>Decided by</th><th>Asked by</th><th>Message</th><th>Thread</th></tr></thead>
              <tbody>
                {decided.data.map((record) => {
                  const data = (record.data ?? {}) as DecidedData;
                  return (
                    <tr data-approval-id={data.approvalId} data-decision={data.decision}>
                      <td>{dateTime(record.at)}</td>
                      <td>{data.tool}</td>
                      <td><span class={`badge ${data.decision ?? ''}`}>{data.decision}</span></td>
                      <td data-field="approver">{record.actor}</td>
                      <td>{data.requestedBy ?? '—'}</td>
                      <td>{data.reason ?? ''}</td>
                      <td>{record.threadId && <a href={href('threads', record.threadId)}>{shortId(record.threadId)}</a>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
