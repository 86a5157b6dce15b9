import { useState } from 'preact/hooks';
import { auditEventTypes } from '../../../observability/audit-event-types.ts';
import { ApiError, type Api } from '../api-client.ts';
import type { AuditRecord } from '../approvals/approval.ts';
import { dateTime, shortId } from '../format.ts';
import { Empty, ErrorMessage, Loading } from '../status-views.tsx';
import { href } from '../use-hash-route.ts';
import { useLoad } from '../use-load.ts';
import { VerifyChain, type AuditVerification } from './verify-chain.tsx';

const pageSize = 25;
// Every type the server writes, from the server's own list.
const actions = auditEventTypes;

interface Filters { thread_id: string; run_id: string; action: string; actor: string }
const noFilters: Filters = { thread_id: '', run_id: '', action: '', actor: '' };

/** The tenant's audit trail newest first, filtered and paged, and the check of its hash chain. */
export function AuditPage({ api }: { api: Api }) {
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [filters, setFilters] = useState<Filters>(noFilters);
  // Each page starts before the last seq of the page in front of it; the stack goes back.
  const [cursors, setCursors] = useState<number[]>([]);
  const before = cursors.at(-1);
  const records = useLoad(() => api.get<AuditRecord[]>('/audit', { ...filters, order: 'desc', limit: pageSize, before }), [api, filters, before]);
  const [verification, setVerification] = useState<AuditVerification>();
  const [verifyError, setVerifyError] = useState<ApiError>();
  const [verifying, setVerifying] = useState(false);
  const broken = new Map((verification?.problems ?? []).map((problem) => [problem.seq, problem]));

  async function verify() {
    setVerifying(true);
    setVerifyError(undefined);
    try {
      setVerification(await api.get<AuditVerification>('/audit/verify'));
    } catch (error) {
      setVerifyError(error as ApiError);
    } finally {
      setVerifying(false);
    }
  }

  const field = (name: keyof Filters, label: string) => (
    <div class="field">
      <label for={`filter-${name}`}>{label}</label>
      <input id={`filter-${name}`} value={draft[name]} onInput={(event) => setDraft({ ...draft, [name]: event.currentTarget.value })} />
    </div>
  );

  return (
    <>
      <h1>Audit trail</h1>
      <VerifyChain verification={verification} error={verifyError} busy={verifying} onVerify={verify} />
      <form class="filters" aria-label="Filter the audit trail" onSubmit={(event) => { event.preventDefault(); setCursors([]); setFilters({ ...draft }); }}>
        {field('thread_id', 'Thread')}
        {field('run_id', 'Run')}
        <div class="field">
          <label for="filter-action">Action</label>
          <select id="filter-action" value={draft.action} onChange={(event) => setDraft({ ...draft, action: event.currentTarget.value })}>
            <option value="">Any</option>
            {actions.map((action) => <option value={action}>{action}</option>)}
          </select>
        </div>
        {field('actor', 'Actor')}
        <div class="actions">
          <button type="submit" class="primary" id="apply-filters">Filter</button>
          <button type="button" onClick={() => { setDraft(noFilters); setFilters(noFilters); setCursors([]); }}>Clear</button>
        </div>
      </form>
      <ErrorMessage error={records.error} />
      {!records.data && records.loading && <Loading what="the audit trail" />}
      {records.data && records.data.length === 0 && <Empty>No audit records match.</Empty>}
      {records.data && records.data.length > 0 && (
        <div class="table-wrap">
          <table id="audit-records">
            <thead><tr><th>#</th><th>When</th><th>Action</th><th>Actor</th><th>Thread</th><th>Run</th><th>Details</th></tr></thead>
            <tbody>
              {records.data.map((record) => {
                const problem = broken.get(record.seq);
                return (
                  <tr data-seq={record.seq} data-type={record.type} class={problem ? 'broken' : undefined} data-broken={problem ? problem.kind : undefined}>
                    <td>{record.seq}</td>
                    <td>{dateTime(record.at)}</td>
                    <td>{record.type}{problem && <span class="badge expired" title={problem.message}> {problem.kind}</span>}</td>
                    <td data-field="actor">{record.actor ?? '—'}</td>
                    <td>{record.threadId ? <a href={href('threads', record.threadId)}>{shortId(record.threadId)}</a> : '—'}</td>
                    <td>{record.runId && record.threadId ? <a href={href('runs', record.threadId, record.runId)}>{shortId(record.runId)}</a> : record.runId ? shortId(record.runId) : '—'}</td>
                    <td><details><summary>data</summary><pre class="json">{JSON.stringify(record.data, null, 2)}</pre></details></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Pages of the audit trail">
        <button type="button" id="newer" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>Newer</button>
        <button type="button" id="older" disabled={!records.data || records.data.length < pageSize} onClick={() => setCursors([...cursors, records.data!.at(-1)!.seq])}>Older</button>
      </nav>
    </>
  );
}
