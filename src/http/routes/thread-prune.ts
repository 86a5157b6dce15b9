import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { keepLatestCheckpoints } from '../../runs/index.ts';
import type { AppEnv } from '../app-env.ts';
import { orphanThreadApprovals } from '../approval-lifecycle.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { errorResponses, jsonResponse } from '../schemas/resources.ts';
import { resourceId } from '../schemas/resource-id.ts';

const pruneBody = z
  .object({
    thread_ids: z.array(resourceId).min(1).max(1_000),
    strategy: z.enum(['delete', 'keep_latest']).default('delete'),
  })
  .openapi('ThreadPrune');

/**
 * `POST /threads/prune` (the SDK's `threads.prune`): `delete` removes threads as
 * `DELETE /threads/{id}` does; `keep_latest` keeps each thread and its latest state (every
 * namespace's newest checkpoint) and drops the older checkpoints. Unknown ids, and threads
 * running a run (for `keep_latest`), are skipped and not counted.
 */
export function createThreadPruneRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/threads/prune',
      tags: ['threads'],
      summary: 'Delete threads, or drop their history and keep their latest state',
      request: { body: { required: true, content: { 'application/json': { schema: pruneBody } } } },
      responses: { 200: jsonResponse(z.object({ pruned_count: z.number().int() }), 'How many threads were pruned'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'threads:write');
      const { services, caller } = c.var;
      const { thread_ids: threadIds, strategy } = c.req.valid('json');
      let pruned = 0;
      for (const threadId of new Set(threadIds)) {
        if (strategy === 'delete') {
          if (!(await services.runs.deleteThread(caller.tenantId, threadId))) continue;
          await orphanThreadApprovals(services, caller.tenantId, threadId, caller.name);
          pruned += 1;
          continue;
        }
        if (!(await services.repository.getThread(caller.tenantId, threadId))) continue;
        if ((await services.repository.activeRuns(caller.tenantId, threadId)).length > 0) continue;
        await keepLatestCheckpoints(services.checkpointer, caller.tenantId, threadId);
        pruned += 1;
      }
      return c.json({ pruned_count: pruned }, 200);
    },
  );
  return app;
}
