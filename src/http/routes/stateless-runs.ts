import { Hono } from 'hono';
import { AppError } from '../../errors.ts';
import { isGraphName } from '../../graphs/index.ts';
import { streamStatelessRun, toWireValue, waitStatelessRun, type StatelessRunOptions } from '../../runs/index.ts';
import type { Services } from '../../services.ts';
import type { AppEnv } from '../app-env.ts';
import { readJsonBody } from '../read-json-body.ts';
import { requestedStreamModes, runCreateSchema, type RunCreate } from '../schemas/run-create.ts';
import { sseResponse } from '../sse.ts';

function runOptions(services: Services, body: RunCreate, signal: AbortSignal): StatelessRunOptions {
  if (!isGraphName(body.assistant_id)) {
    throw new AppError('NOT_FOUND', `Assistant "${body.assistant_id}" not found`);
  }
  if (body.input == null && body.command == null) {
    throw new AppError('VALIDATION_FAILED', 'A run needs "input" or "command"', {
      details: [{ path: 'input', message: 'Required when no command is given' }],
    });
  }
  return {
    graph: services.graphs[body.assistant_id] as never,
    checkpointer: services.checkpointer,
    input: body.input ?? undefined,
    command: body.command ?? undefined,
    // Server-owned keys come last so a request cannot choose its tenant or scopes.
    configurable: { ...body.config?.configurable, tenant_id: 'default' },
    streamModes: requestedStreamModes(body),
    subgraphs: body.stream_subgraphs,
    recursionLimit: body.config?.recursion_limit,
    metadata: body.metadata ?? undefined,
    keepThread: body.on_completion === 'keep',
    signal,
  };
}

/** Stateless runs: `POST /runs/wait` answers the final state, `POST /runs/stream` streams it. */
export const statelessRunRoutes = new Hono<AppEnv>()
  .post('/runs/wait', async (c) => {
    const body = await readJsonBody(c, runCreateSchema);
    const values = await waitStatelessRun(runOptions(c.var.services, body, c.req.raw.signal));
    return c.json(toWireValue(values));
  })
  .post('/runs/stream', async (c) => {
    const body = await readJsonBody(c, runCreateSchema);
    const controller = new AbortController();
    const options = runOptions(c.var.services, body, controller.signal);
    return sseResponse(c, streamStatelessRun(options), { onAbort: () => controller.abort() });
  });
