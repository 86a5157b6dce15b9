import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../errors.ts';
import { isActive, type RunRecord } from '../../runs/index.ts';
import type { AppEnv } from '../app-env.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { errorResponses } from '../schemas/resources.ts';
import { resourceId } from '../schemas/resource-id.ts';

const cancelBody = z
  .object({
    thread_id: resourceId.optional(),
    run_ids: z.array(resourceId).min(1).max(1_000).optional(),
    status: z.enum(['pending', 'running', 'all']).optional(),
  })
  .refine((body) => (body.run_ids === undefined) !== (body.status === undefined), { message: 'Give either run_ids or status' })
  .refine((body) => body.status === undefined || body.thread_id !== undefined, { message: 'Cancelling by status needs thread_id', path: ['thread_id'] })
  .openapi('RunsCancel');

/** `POST /runs/cancel`: several runs at once, by ids or by status on a thread (the SDK's `runs.cancelMany`). */
export function createBulkRunRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/runs/cancel',
      tags: ['runs'],
      summary: 'Cancel runs by id, or a thread\'s pending/running runs',
      request: {
        query: z.object({ action: z.enum(['interrupt', 'rollback']).default('interrupt') }),
        body: { required: true, content: { 'application/json': { schema: cancelBody } } },
      },
      responses: { 204: { description: 'Cancelled (runs already finished are left as they are)' }, ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'runs:write');
      const { runs, repository } = c.var.services;
      const { tenantId } = c.var.caller;
      const { thread_id: threadId, run_ids: runIds, status } = c.req.valid('json');
      let targets: RunRecord[];
      if (runIds) {
        // Every id is checked first: one unknown id cancels nothing.
        targets = [];
        for (const runId of new Set(runIds)) {
          const run = await runs.get(tenantId, runId);
          if (!run || (threadId !== undefined && run.thread_id !== threadId)) throw new AppError('NOT_FOUND', `Run ${runId} not found`);
          targets.push(run);
        }
      } else {
        if (!(await repository.getThread(tenantId, threadId!))) throw new AppError('NOT_FOUND', `Thread ${threadId} not found`);
        const active = await repository.activeRuns(tenantId, threadId!);
        targets = await Promise.all(active.map(async (run) => (await runs.get(tenantId, run.run_id)) ?? run));
        targets = targets.filter((run) => isActive(run) && (status === 'all' || run.status === status));
      }
      const { action } = c.req.valid('query');
      for (const run of targets) await runs.cancel(tenantId, run.run_id, { action });
      return c.body(null, 204);
    },
  );
  return app;
}
