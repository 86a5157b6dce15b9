import type { Api } from '../api-client.ts';
import { dateTime } from '../format.ts';
import { Empty, ErrorMessage, Loading } from '../status-views.tsx';
import { href } from '../use-hash-route.ts';
import { useLoad } from '../use-load.ts';
import { messageText, roleOf, type Run, type Thread, type ThreadState } from './run.ts';

/** A thread: its messages, its runs, its checkpoints newest first, and the interrupt it waits at. */
export function ThreadPage({ api, threadId }: { api: Api; threadId: string }) {
  const path = `/threads/${encodeURIComponent(threadId)}`;
  const thread = useLoad(() => api.get<Thread>(path), [api, path], 3_000);
  const state = useLoad(() => api.get<ThreadState>(`${path}/state`), [api, path, thread.data?.updated_at]);
  const history = useLoad(() => api.get<ThreadState[]>(`${path}/history`, { limit: 50 }), [api, path, thread.data?.updated_at]);
  const runs = useLoad(() => api.get<Run[]>(`${path}/runs`, { limit: 20 }), [api, path, thread.data?.updated_at]);
  if (!thread.data) return <>{thread.loading ? <Loading what="the thread" /> : <ErrorMessage error={thread.error} />}</>;
  const interrupts = state.data?.interrupts ?? state.data?.tasks.flatMap((task) => task.interrupts ?? []) ?? [];
  const messages = state.data?.values?.messages ?? [];
  return (
    <>
      <p><a href={href('runs')}>← Runs</a></p>
      <h1>Thread <code>{threadId}</code> <span class={`badge ${thread.data.status}`} id="thread-status">{thread.data.status}</span></h1>
      {interrupts.length > 0 && (
        <section class="card warning" aria-labelledby="interrupt-title" id="pending-interrupt">
          <h2 id="interrupt-title">Waiting at an interrupt</h2>
          {interrupts.map((interrupt) => <pre class="json">{JSON.stringify(interrupt.value, null, 2)}</pre>)}
          <p>Decide it in <a href={href('approvals')}>Approvals</a>.</p>
        </section>
      )}
      <section aria-labelledby="messages-title">
        <h2 id="messages-title">Messages</h2>
        <ErrorMessage error={state.error} />
        {state.data && messages.length === 0 && <Empty>No messages.</Empty>}
        <ol class="messages" id="messages">
          {messages.map((message) => (
            <li data-role={roleOf(message)}><span class="event-name">{roleOf(message)}{message.name ? ` ${message.name}` : ''}</span> {messageText(message)}
              {(message.tool_calls ?? []).map((call) => <div class="muted">calls {call.name} {JSON.stringify(call.args)}</div>)}
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="thread-runs-title">
        <h2 id="thread-runs-title">Runs</h2>
        <ErrorMessage error={runs.error} />
        <ul>{(runs.data ?? []).map((run) => <li><a href={href('runs', threadId, run.run_id)}>{dateTime(run.created_at)}</a> <span class={`badge ${run.status}`}>{run.status}</span></li>)}</ul>
      </section>
      <section aria-labelledby="history-title">
        <h2 id="history-title">Checkpoints</h2>
        <ErrorMessage error={history.error} />
        {history.data && history.data.length === 0 && <Empty>No checkpoints.</Empty>}
        <div class="table-wrap">
          <table id="checkpoints">
            <thead><tr><th>Step</th><th>When</th><th>Source</th><th>Next</th><th>Checkpoint</th></tr></thead>
            <tbody>
              {(history.data ?? []).map((entry) => (
                <tr><td>{entry.metadata?.step ?? '—'}</td><td>{dateTime(entry.created_at)}</td><td>{entry.metadata?.source ?? '—'}</td><td>{entry.next.join(', ') || '—'}</td><td><code>{entry.checkpoint?.checkpoint_id?.slice(0, 13) ?? '—'}</code></td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
