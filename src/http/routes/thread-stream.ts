import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import { isActive, type RunEvent, type RunRecord } from '../../runs/index.ts';
import type { Services } from '../../services.ts';
import type { AppEnv } from '../app-env.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { errorResponses, eventStreamResponse } from '../schemas/resources.ts';
import { resourceId } from '../schemas/resource-id.ts';
import { sseResponse } from '../sse.ts';

const threadModes = ['run_modes', 'lifecycle', 'state_update'] as const;
type ThreadMode = (typeof threadModes)[number];
/** How far back a resume may name a run: the thread's newest runs. */
const resumableRuns = 100;

interface Resume {
  runId: string;
  /** The last event seen of that run; `done`: all of it. */
  after: number | 'done';
}

/**
 * `Last-Event-ID` of a thread stream: `<run_id>:<event id>` or `<run_id>:done` as this stream
 * names its events; `-1` or `-` (and no header) start with the thread's current run.
 */
function resumeOf(header: string | undefined): Resume | undefined {
  if (!header || header === '-1' || header === '-') return undefined;
  const separator = header.lastIndexOf(':');
  const runId = header.slice(0, separator);
  const rest = header.slice(separator + 1);
  const after = rest === 'done' ? 'done' : Number(rest);
  if (separator <= 0 || (after !== 'done' && (!Number.isInteger(after) || after < -1))) {
    throw new AppError('BAD_REQUEST', 'Last-Event-ID of a thread stream is "<run_id>:<event id>" as this stream sent it, or -1');
  }
  return { runId, after };
}

function wanted(modes: Set<ThreadMode>, event: RunEvent): boolean {
  if (modes.has('run_modes')) return true;
  // A run's `metadata` event is its start.
  if (modes.has('lifecycle') && event.event === 'metadata') return true;
  return modes.has('state_update') && event.event === 'values';
}

/**
 * Every run of a thread, one after another, for as long as the client listens: the runs it
 * missed after the one it resumes, its current run, then each new one as it is created.
 * Resolves once the starting point is known, so a resume that cannot be served fails before
 * any event is sent.
 */
async function followThread(services: Services, tenantId: string, threadId: string, modes: Set<ThreadMode>, resume: Resume | undefined, signal: AbortSignal) {
  const created: RunRecord[] = [];
  let wake: (() => void) | undefined;
  // Listening before listing: a run created in between is in one or the other (`seen` dedupes).
  const stop = services.runs.onRunCreated((run) => {
    if (run.tenant_id !== tenantId || run.thread_id !== threadId) return;
    created.push(run);
    wake?.();
  });
  signal.addEventListener('abort', () => wake?.(), { once: true });
  let backlog: RunRecord[];
  try {
    const recent = await services.runs.list(tenantId, threadId, { limit: resumableRuns, offset: 0 });
    const index = resume ? recent.findIndex((run) => run.run_id === resume.runId) : -1;
    if (resume && index < 0) throw new AppError('EVENTS_EXPIRED', `Run ${resume.runId} is not among this thread's last ${resumableRuns} runs; read the thread's state instead`);
    backlog = resume ? recent.slice(0, index + 1).reverse() : recent.filter(isActive).reverse();
  } catch (error) {
    stop();
    throw error;
  }

  async function* events() {
    const seen = new Set<string>();
    try {
      while (!signal.aborted) {
        const run = backlog.shift() ?? created.shift();
        if (!run) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        if (seen.has(run.run_id)) continue;
        seen.add(run.run_id);
        const after = resume?.runId === run.run_id ? resume.after : undefined;
        if (after === 'done') continue;
        for await (const event of await services.runs.stream(tenantId, run.run_id, { after, signal })) {
          if (wanted(modes, event)) yield { ...event, id: `${run.run_id}:${event.id}` };
        }
        if (signal.aborted) break;
        const ended = await services.runs.get(tenantId, run.run_id);
        yield { id: `${run.run_id}:done`, event: 'run_done', data: { run_id: run.run_id, status: ended?.status ?? 'interrupted' } };
      }
    } finally {
      stop();
    }
  }
  return events();
}

/** `GET /threads/{id}/stream`: join a thread's stream, as the SDK's `threads.joinStream` does. */
export function createThreadStreamRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/threads/{thread_id}/stream',
      tags: ['threads'],
      summary: 'Join a thread\'s stream: its current run and every later one, until the client closes it',
      description:
        '`stream_mode`: `run_modes` (default: every event of each run, then `run_done`), `lifecycle` (each run\'s `metadata` and `run_done`), `state_update` (each run\'s `values` and `run_done`). ' +
        'Event ids are `<run_id>:<n>`; `Last-Event-ID` with one resumes after it, `-1` starts with the current run.',
      request: {
        params: z.object({ thread_id: resourceId }),
        query: z.object({ stream_mode: z.union([z.enum(threadModes), z.array(z.enum(threadModes))]).optional() }),
      },
      responses: { 200: eventStreamResponse, ...errorResponses },
    }),
    (async (c: Context<AppEnv>) => {
      requireScope(c.var.caller, 'runs:read');
      const { services, caller } = c.var;
      const threadId = c.req.param('thread_id')!;
      const requested = (c.req.queries('stream_mode') ?? []) as ThreadMode[];
      const modes = new Set<ThreadMode>(requested.length > 0 ? requested : ['run_modes']);
      const resume = resumeOf(c.req.header('last-event-id'));
      if (!(await services.repository.getThread(caller.tenantId, threadId))) throw new AppError('NOT_FOUND', `Thread ${threadId} not found`);
      const disconnect = new AbortController();
      const events = await followThread(services, caller.tenantId, threadId, modes, resume, disconnect.signal);
      return sseResponse(c, events, { onDisconnect: () => disconnect.abort() });
    }) as never,
  );
  return app;
}
