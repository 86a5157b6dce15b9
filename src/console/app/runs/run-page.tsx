import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Api, type StreamEvent } from '../api-client.ts';
import type { AuditRecord } from '../approvals/approval.ts';
import { cost, dateTime, duration, tokens, shortId } from '../format.ts';
import { Empty, ErrorMessage, Loading } from '../status-views.tsx';
import { href } from '../use-hash-route.ts';
import { useLoad } from '../use-load.ts';
import { describeEvent } from './describe-event.ts';
import { finished, messageText, runDuration, type Run, type ThreadState } from './run.ts';

/**
 * One run: while it runs, its events as they stream (joined from the first one) and a cancel
 * button; once it ended, its steps from the audit trail and its answer or error.
 */
export function RunPage({ api, threadId, runId }: { api: Api; threadId: string; runId: string }) {
  const base = `/threads/${encodeURIComponent(threadId)}/runs/${encodeURIComponent(runId)}`;
  // Once its stream ended, the run's record may say `running` a moment longer: look again until it ends.
  const [settling, setSettling] = useState(false);
  const run = useLoad(() => api.get<Run>(base), [api, base], settling ? 1_000 : undefined);
  const [events, setEvents] = useState<StreamEvent[]>([]);
  const [streaming, setStreaming] = useState(false);
  const [streamError, setStreamError] = useState<ApiError>();
  const [cancelling, setCancelling] = useState(false);
  const live = run.data !== undefined && !finished(run.data.status);

  useEffect(() => {
    if (!live) return;
    const controller = new AbortController();
    setEvents([]);
    setStreaming(true);
    api.stream(`${base}/stream`, (event) => setEvents((seen) => [...seen, event]), controller.signal)
      .catch((error: unknown) => { if (!controller.signal.aborted) setStreamError(error instanceof ApiError ? error : new ApiError(0, 'STREAM', 'The event stream was cut off.')); })
      .finally(() => { if (!controller.signal.aborted) { setStreaming(false); setSettling(true); } });
    return () => controller.abort();
  }, [live, base]);

  useEffect(() => {
    if (run.data && finished(run.data.status)) setSettling(false);
  }, [run.data?.status]);

  async function cancel() {
    setCancelling(true);
    try {
      await api.post(`${base}/cancel`);
    } catch (error) {
      setStreamError(error as ApiError);
    } finally {
      setCancelling(false);
    }
  }

  if (!run.data) return <>{run.loading ? <Loading what="the run" /> : <ErrorMessage error={run.error} />}</>;
  const current = run.data;
  return (
    <>
      <p><a href={href('runs')}>← Runs</a></p>
      <h1>Run <code>{shortId(current.run_id)}</code></h1>
      <dl class="facts" id="run-facts" data-status={current.status}>
        <div class="pair"><dt>Status</dt><dd><span class={`badge ${current.status}`} id="run-status">{current.status}</span></dd></div>
        <div class="pair"><dt>Assistant</dt><dd>{current.assistant_id}</dd></div>
        <div class="pair"><dt>Thread</dt><dd><a href={href('threads', current.thread_id)}>{current.thread_id}</a></dd></div>
        <div class="pair"><dt>Started</dt><dd>{dateTime(current.created_at)}</dd></div>
        <div class="pair"><dt>Duration</dt><dd>{duration(runDuration(current))}</dd></div>
        {current.usage && <div class="pair"><dt>Usage</dt><dd>{current.usage.calls} model calls, {tokens(current.usage.input_tokens)} in / {tokens(current.usage.output_tokens)} out, {cost(current.usage.cost_usd)}</dd></div>}
      </dl>
      {live && <button type="button" class="danger" id="cancel-run" onClick={cancel} disabled={cancelling} aria-label="Cancel this run">{cancelling ? 'Cancelling…' : 'Cancel run'}</button>}
      <ErrorMessage error={streamError} />
      {(live || events.length > 0) && (
        <section aria-labelledby="events-title">
          <h2 id="events-title">Events {streaming && <span class="badge running" id="streaming">live</span>}</h2>
          {events.length === 0 && <Loading what="events" />}
          <ol class="events" id="events" aria-live="polite">
            {events.map((event) => <li data-event={event.event} data-id={event.id}><span class="event-name">{event.event}</span> {describeEvent(event)}</li>)}
          </ol>
        </section>
      )}
      {finished(current.status) && <RunOutcome api={api} run={current} />}
    </>
  );
}

/** A finished run's steps (its audit records) and its final answer or error. */
function RunOutcome({ api, run }: { api: Api; run: Run }) {
  const steps = useLoad(() => api.get<AuditRecord[]>('/audit', { run_id: run.run_id, order: 'asc', limit: 200 }), [api, run.run_id]);
  const state = useLoad(() => api.get<ThreadState>(`/threads/${encodeURIComponent(run.thread_id)}/state`), [api, run.thread_id, run.status]);
  const answer = state.data?.values?.messages?.filter((message) => (message.type ?? message.role) === 'ai').at(-1);
  return (
    <>
      <section aria-labelledby="result-title">
        <h2 id="result-title">{run.status === 'error' ? 'Error' : 'Result'}</h2>
        {run.error && <div class="error" role="alert" id="run-error"><p>{run.error.code}: {run.error.message}</p></div>}
        {run.status === 'interrupted' && <p>The run waits for a decision: see <a href={href('approvals')}>Approvals</a>.</p>}
        <ErrorMessage error={state.error} />
        {answer && <blockquote id="run-answer">{messageText(answer)}</blockquote>}
        {state.data && !answer && !run.error && <Empty>The run left no answer.</Empty>}
      </section>
      <section aria-labelledby="steps-title">
        <h2 id="steps-title">Steps</h2>
        <ErrorMessage error={steps.error} />
        {!steps.data && steps.loading && <Loading what="steps" />}
        {steps.data && steps.data.length === 0 && <Empty>No steps were recorded for this run.</Empty>}
        <ol class="steps" id="steps">
          {(steps.data ?? []).map((record) => (
            <li data-type={record.type}><span class="event-name">{record.type}</span> {record.actor ? `by ${record.actor} ` : ''}<span class="muted">{JSON.stringify(record.data)?.slice(0, 200)}</span></li>
          ))}
        </ol>
      </section>
    </>
  );
}
