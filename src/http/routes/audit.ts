import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { auditEventTypes, type AuditEventType } from '../../observability/index.ts';
import type { AppEnv } from '../app-env.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { errorResponses, jsonResponse } from '../schemas/resources.ts';

const auditRecordSchema = z
  .object({
    seq: z.number(),
    tenantId: z.string(),
    at: z.string(),
    type: z.string(),
    runId: z.string().optional(),
    threadId: z.string().optional(),
    actor: z.string().optional(),
    data: z.unknown(),
    previousHash: z.string(),
    hash: z.string(),
  })
  .openapi('AuditRecord');

/** The caller's tenant's audit trail (hash-chained, append-only), and its verification. */
export function createAuditRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/audit',
      tags: ['audit'],
      request: {
        query: z.object({
          thread_id: z.string().max(200).optional(),
          run_id: z.string().max(200).optional(),
          action: z.enum(auditEventTypes as [AuditEventType, ...AuditEventType[]]).optional().openapi({ description: 'Only records of this type' }),
          actor: z.string().max(200).optional().openapi({ description: 'Only records of this actor' }),
          after: z.coerce.number().int().min(0).optional().openapi({ description: 'Only records with a larger seq' }),
          before: z.coerce.number().int().min(1).optional().openapi({ description: 'Only records with a smaller seq (page back with `order=desc`)' }),
          order: z.enum(['asc', 'desc']).default('asc').openapi({ description: '`asc`: oldest first; `desc`: newest first' }),
          limit: z.coerce.number().int().min(1).max(1_000).default(100),
        }),
      },
      responses: { 200: jsonResponse(z.array(auditRecordSchema), 'Records in the chosen order'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'audit:read');
      const query = c.req.valid('query');
      const records = await c.var.services.audit.query({
        tenantId: c.var.caller.tenantId,
        ...(query.thread_id ? { threadId: query.thread_id } : {}),
        ...(query.run_id ? { runId: query.run_id } : {}),
        ...(query.action ? { type: query.action } : {}),
        ...(query.actor ? { actor: query.actor } : {}),
        ...(query.after !== undefined ? { after: query.after } : {}),
        ...(query.before !== undefined ? { before: query.before } : {}),
        order: query.order,
        limit: query.limit,
      });
      return c.json(records as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/audit/verify',
      tags: ['audit'],
      summary: 'Check the tenant\'s hash chain: edited, removed or reordered records are named',
      responses: { 200: jsonResponse(z.object({ ok: z.boolean() }).passthrough(), 'Verification result'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'audit:read');
      return c.json((await c.var.services.audit.verify(c.var.caller.tenantId)) as never, 200);
    },
  );

  return app;
}
