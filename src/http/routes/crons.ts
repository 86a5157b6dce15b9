import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import type { CronAuthority, CronPayload, CronRecord } from '../../runs/index.ts';
import type { AppEnv } from '../app-env.ts';
import { findAssistant } from '../assistant-lookup.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { errorResponses, errorSchema, jsonResponse } from '../schemas/resources.ts';
import { resourceId } from '../schemas/resource-id.ts';
import { requestedStreamModes, runCreateSchema, type RunCreate } from '../schemas/run-create.ts';
import { toCreateRequest } from './runs.ts';

const cronFields = {
  schedule: z.string().trim().min(1).max(200).openapi({ description: 'Cron expression: 5 fields (minute first), or 6 with seconds first, or @hourly, @daily, ...', example: '0 9 * * 1-5' }),
  timezone: z.string().min(1).max(100).nullable().optional().openapi({ description: 'IANA time zone the schedule is read in (default UTC)', example: 'Europe/Paris' }),
  end_time: z.string().max(100).nullable().optional().openapi({ description: 'No tick after this date-time (ISO 8601)' }),
  enabled: z.boolean().optional(),
  on_run_completed: z.enum(['delete', 'keep']).optional().openapi({ description: 'Stateless crons: delete each tick\'s thread when its run ends (default) or keep it' }),
};

// What a run-creating body has that a cron's ticks cannot use: each tick is a new run, in the background.
const cronCreateSchema = runCreateSchema
  .omit({ command: true, checkpoint_id: true, checkpoint: true, if_not_exists: true, on_completion: true, on_disconnect: true, after_seconds: true })
  .extend(cronFields)
  .openapi('CronCreate');
type CronCreate = z.infer<typeof cronCreateSchema>;

const cronPatchSchema = runCreateSchema
  .pick({ input: true, metadata: true, config: true, context: true, webhook: true, interrupt_before: true, interrupt_after: true, stream_mode: true, stream_subgraphs: true, stream_resumable: true, durability: true })
  .extend({ ...cronFields, schedule: cronFields.schedule.optional() })
  .openapi('CronPatch');

const selectFields = ['cron_id', 'assistant_id', 'thread_id', 'end_time', 'schedule', 'created_at', 'updated_at', 'user_id', 'payload', 'next_run_date', 'metadata', 'now', 'timezone', 'enabled', 'on_run_completed'] as const;
const filterFields = {
  assistant_id: z.string().max(256).optional(),
  thread_id: z.string().max(256).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
};
const searchSchema = z.object({
  ...filterFields,
  enabled: z.boolean().optional(),
  limit: z.number().int().min(1).max(1_000).default(10),
  offset: z.number().int().min(0).default(0),
  sort_by: z.enum(['cron_id', 'assistant_id', 'thread_id', 'created_at', 'updated_at', 'next_run_date']).default('created_at'),
  sort_order: z.enum(['asc', 'desc']).default('desc'),
  select: z.array(z.enum(selectFields)).max(selectFields.length).optional(),
}).openapi('CronSearch');
const countSchema = z.object({ ...filterFields, enabled: z.boolean().optional() }).openapi('CronCount');

const cronSchema = z
  .object({
    cron_id: z.string(),
    assistant_id: z.string(),
    thread_id: z.string().nullable(),
    schedule: z.string(),
    timezone: z.string().nullable(),
    end_time: z.string().nullable(),
    enabled: z.boolean(),
    on_run_completed: z.enum(['delete', 'keep']).nullable(),
    payload: z.record(z.string(), z.unknown()),
    metadata: z.record(z.string(), z.unknown()),
    user_id: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    next_run_date: z.string().nullable().openapi({ description: 'The next tick; null when none is coming (disabled, past end_time)' }),
  })
  .openapi('Cron');

const unusableSchedule = { 422: jsonResponse(errorSchema, 'The schedule, time zone or end time cannot be used') };
const threadParams = z.object({ thread_id: resourceId });
const cronParams = z.object({ cron_id: resourceId });
const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const optionalJsonBody = <T extends z.ZodType>(schema: T) => ({ body: { required: false, content: { 'application/json': { schema } } } });

/** A cron as the API shows it: without its tenant and the authority its runs act with. */
function publicCron(cron: CronRecord, select?: readonly string[]) {
  const { tenant_id: _tenant, run_as: _authority, ...shown } = cron;
  if (!select?.length) return shown;
  const all: Record<string, unknown> = { ...shown, now: new Date().toISOString() };
  return Object.fromEntries(select.map((field) => [field, all[field] ?? null]));
}

/** The authority a cron's runs act with: the caller's scopes (null: every scope), name and credential. */
function authorityOf(c: Context<AppEnv>): CronAuthority {
  const { caller } = c.var;
  return { scopes: caller.scopes.includes('*') ? null : [...caller.scopes], actor: caller.name, caller_id: caller.id };
}

/**
 * The run payload a cron keeps, checked as a run request with the same body would be (input
 * for a stateless run, `threads:write` to keep its threads, server-owned config keys dropped),
 * so a tick never fails on what the request could have been told.
 */
function payloadOf(c: Context<AppEnv>, body: Partial<CronCreate> & { assistant_id: string }, threadId: string | undefined, onRunCompleted?: 'delete' | 'keep' | null): CronPayload {
  const asRun: RunCreate = { ...body, on_completion: threadId === undefined ? (onRunCompleted ?? 'delete') : undefined } as RunCreate;
  const request = toCreateRequest(c, asRun, threadId);
  return {
    assistant_id: body.assistant_id,
    input: body.input ?? undefined,
    config: request.config,
    context: body.context,
    metadata: body.metadata ?? undefined,
    webhook: body.webhook,
    interrupt_before: body.interrupt_before,
    interrupt_after: body.interrupt_after,
    multitask_strategy: body.multitask_strategy,
    stream_mode: body.stream_mode === undefined ? undefined : requestedStreamModes(asRun),
    stream_subgraphs: body.stream_subgraphs,
    durability: body.durability,
  } as CronPayload;
}

/** The LangGraph crons API: runs on a schedule, on a thread or each on a new one. */
export function createCronRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  async function create(c: Context<AppEnv>, body: CronCreate, threadId?: string) {
    const { caller, services } = c.var;
    requireScope(caller, 'crons:write');
    requireScope(caller, 'runs:write');
    await findAssistant(services, caller.tenantId, body.assistant_id);
    if (threadId !== undefined && !(await services.repository.getThread(caller.tenantId, threadId))) {
      throw new AppError('NOT_FOUND', `Thread ${threadId} not found`);
    }
    const cron = await services.crons.create({
      tenantId: caller.tenantId,
      threadId,
      schedule: body.schedule,
      timezone: body.timezone,
      endTime: body.end_time,
      enabled: body.enabled,
      onRunCompleted: body.on_run_completed,
      payload: payloadOf(c, body, threadId, body.on_run_completed),
      metadata: body.metadata ?? undefined,
      userId: caller.name,
      runAs: authorityOf(c),
    });
    return c.json(publicCron(cron) as never, 200);
  }

  app.openapi(
    createRoute({ method: 'post', path: '/runs/crons', tags: ['crons'], summary: 'Create a stateless cron: each tick runs on a new thread', request: jsonBody(cronCreateSchema), responses: { 200: jsonResponse(cronSchema, 'The cron'), ...unusableSchedule, ...errorResponses } }),
    async (c) => create(c, c.req.valid('json')),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/threads/{thread_id}/runs/crons', tags: ['crons'], summary: 'Create a cron on a thread: each tick is a run on it', request: { params: threadParams, ...jsonBody(cronCreateSchema) }, responses: { 200: jsonResponse(cronSchema, 'The cron'), ...unusableSchedule, ...errorResponses } }),
    async (c) => create(c, c.req.valid('json'), c.req.valid('param').thread_id),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/runs/crons/search', tags: ['crons'], request: optionalJsonBody(searchSchema), responses: { 200: jsonResponse(z.array(cronSchema), 'Crons'), ...errorResponses } }),
    async (c) => {
      requireScope(c.var.caller, 'crons:read');
      // Parsed again: a request without a body skips validation, and the defaults still apply.
      const body = searchSchema.parse(c.req.valid('json') ?? {});
      const crons = await c.var.services.crons.search(c.var.caller.tenantId, {
        assistantId: body.assistant_id,
        threadId: body.thread_id,
        enabled: body.enabled,
        metadata: body.metadata,
        limit: body.limit,
        offset: body.offset,
        sortBy: body.sort_by,
        sortOrder: body.sort_order,
      });
      return c.json(crons.map((cron) => publicCron(cron, body.select)) as never, 200);
    },
  );
  app.openapi(
    createRoute({ method: 'post', path: '/runs/crons/count', tags: ['crons'], request: optionalJsonBody(countSchema), responses: { 200: jsonResponse(z.number().int(), 'How many crons match'), ...errorResponses } }),
    async (c) => {
      requireScope(c.var.caller, 'crons:read');
      const body = c.req.valid('json') ?? {};
      const count = await c.var.services.crons.count(c.var.caller.tenantId, { assistantId: body.assistant_id, threadId: body.thread_id, enabled: body.enabled, metadata: body.metadata });
      return c.json(count, 200);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: '/runs/crons/{cron_id}', tags: ['crons'], request: { params: cronParams }, responses: { 200: jsonResponse(cronSchema, 'The cron'), ...errorResponses } }),
    async (c) => {
      requireScope(c.var.caller, 'crons:read');
      return c.json(publicCron(await c.var.services.crons.get(c.var.caller.tenantId, c.req.valid('param').cron_id)) as never, 200);
    },
  );
  app.openapi(
    createRoute({ method: 'patch', path: '/runs/crons/{cron_id}', tags: ['crons'], summary: 'Update a cron (schedule, payload, enabled, end time); its scopes only ever narrow', request: { params: cronParams, ...jsonBody(cronPatchSchema) }, responses: { 200: jsonResponse(cronSchema, 'The cron'), ...unusableSchedule, ...errorResponses } }),
    async (c) => {
      const { caller, services } = c.var;
      requireScope(caller, 'crons:write');
      requireScope(caller, 'runs:write');
      const { cron_id } = c.req.valid('param');
      const body = c.req.valid('json');
      const current = await services.crons.get(caller.tenantId, cron_id);
      const threadId = current.thread_id ?? undefined;
      // The payload as it will be, checked whole, as a run request would be.
      const merged = { ...current.payload, ...Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) };
      const payload = payloadOf(c, merged as CronCreate, threadId, body.on_run_completed ?? current.on_run_completed);
      const updated = await services.crons.update(caller.tenantId, cron_id, {
        schedule: body.schedule,
        timezone: body.timezone,
        endTime: body.end_time,
        enabled: body.enabled,
        onRunCompleted: body.on_run_completed,
        payload: { ...payload, metadata: current.payload.metadata },
        metadata: body.metadata ?? undefined,
        updatedBy: { scopes: authorityOf(c).scopes },
      });
      return c.json(publicCron(updated) as never, 200);
    },
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/runs/crons/{cron_id}', tags: ['crons'], request: { params: cronParams }, responses: { 204: { description: 'Deleted' }, ...errorResponses } }),
    async (c) => {
      requireScope(c.var.caller, 'crons:write');
      await c.var.services.crons.delete(c.var.caller.tenantId, c.req.valid('param').cron_id);
      return c.body(null, 204);
    },
  );

  return app;
}
