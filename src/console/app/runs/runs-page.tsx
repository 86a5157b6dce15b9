import type { Api } from '../api-client.ts';
import { cost, dateTime, duration, tokens, shortId } from '../format.ts';
import { Empty, ErrorMessage, Loading } from '../status-views.tsx';
import { href } from '../use-hash-route.ts';
import { useLoad } from '../use-load.ts';
import { runDuration, type Run } from './run.ts';

const shownRuns = 30;

/** The tenant's newest runs of every thread (one list request), each with its usage. */
async function recentRuns(api: Api): Promise<Run[]> {
  const newest = await api.get<Run[]>('/console-api/runs', { limit: shownRuns });
  // One run's GET carries its model usage; the list does not.
  return Promise.all(newest.map((run) => api.get<Run>(`/threads/${encodeURIComponent(run.thread_id)}/runs/${encodeURIComponent(run.run_id)}`)));
}

/** Recent runs: status, assistant, thread, duration, tokens and cost; refreshed while open. */
export function RunsPage({ api }: { api: Api }) {
  const runs = useLoad(() => recentRuns(api), [api], 5_000);
  return (
    <>
      <h1>Runs</h1>
      <ErrorMessage error={runs.error} />
      {!runs.data && runs.loading && <Loading what="runs" />}
      {runs.data && runs.data.length === 0 && <Empty>No runs yet.</Empty>}
      {runs.data && runs.data.length > 0 && (
        <div class="table-wrap">
          <table id="runs">
            <thead><tr><th>Started</th><th>Status</th><th>Assistant</th><th>Thread</th><th>Duration</th><th>Tokens (in / out)</th><th>Cost</th></tr></thead>
            <tbody>
              {runs.data.map((run) => (
                <tr data-run-id={run.run_id} data-status={run.status}>
                  <td><a href={href('runs', run.thread_id, run.run_id)}>{dateTime(run.created_at)}</a></td>
                  <td><span class={`badge ${run.status}`}>{run.status}</span></td>
                  <td>{run.assistant_id}</td>
                  <td><a href={href('threads', run.thread_id)}>{shortId(run.thread_id)}</a></td>
                  <td>{duration(runDuration(run))}</td>
                  <td>{run.usage ? `${tokens(run.usage.input_tokens)} / ${tokens(run.usage.output_tokens)}` : '—'}</td>
                  <td>{run.usage ? cost(run.usage.cost_usd) : '—'}{run.usage?.estimated ? ' (est.)' : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
