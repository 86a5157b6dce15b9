import { z } from '@hono/zod-openapi';

/* Response shapes for the OpenAPI document; they describe what the LangGraph API returns. */

export const errorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
    request_id: z.string().nullable(),
  })
  .openapi('Error');

export const threadSchema = z
  .object({
    thread_id: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    status: z.enum(['idle', 'busy', 'interrupted', 'error']),
    values: z.unknown(),
    interrupts: z.record(z.string(), z.array(z.unknown())),
  })
  .openapi('Thread');

export const usageSchema = z
  .object({
    calls: z.number(),
    input_tokens: z.number().openapi({ description: 'Prompt tokens, cached ones included' }),
    output_tokens: z.number().openapi({ description: 'Completion tokens, reasoning ones included' }),
    cached_tokens: z.number(),
    reasoning_tokens: z.number(),
    cost_usd: z.number().openapi({ description: 'Estimated from the price table (MODEL_PRICES over list prices)' }),
    estimated: z.boolean().openapi({ description: 'Some token counts are estimates (characters / 4): the model reported none' }),
  })
  .openapi('Usage');

export const runSchema = z
  .object({
    run_id: z.string(),
    thread_id: z.string(),
    assistant_id: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    status: z.enum(['pending', 'running', 'success', 'error', 'timeout', 'interrupted']),
    metadata: z.record(z.string(), z.unknown()),
    multitask_strategy: z.enum(['reject', 'interrupt', 'rollback', 'enqueue']),
    kwargs: z.record(z.string(), z.unknown()),
    usage: usageSchema.optional().openapi({ description: 'On GET of one run: its model usage so far' }),
  })
  .openapi('Run');

export const assistantSchema = z
  .object({
    assistant_id: z.string(),
    graph_id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    config: z.record(z.string(), z.unknown()),
    context: z.record(z.string(), z.unknown()),
    metadata: z.record(z.string(), z.unknown()),
    version: z.number(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Assistant');

export const threadStateSchema = z
  .object({
    values: z.unknown(),
    next: z.array(z.string()),
    tasks: z.array(z.unknown()),
    checkpoint: z.unknown().nullable(),
    parent_checkpoint: z.unknown().nullable(),
    metadata: z.unknown().nullable(),
    created_at: z.string().nullable(),
    interrupts: z.array(z.unknown()).optional(),
  })
  .openapi('ThreadState');

export const jsonResponse = (schema: z.ZodType, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const errorResponses = {
  400: jsonResponse(errorSchema, 'Invalid request'),
  401: jsonResponse(errorSchema, 'Missing or unknown API key'),
  403: jsonResponse(errorSchema, 'The API key lacks a scope'),
  404: jsonResponse(errorSchema, 'Not found (or another tenant\'s)'),
};

export const eventStreamResponse = {
  content: { 'text/event-stream': { schema: z.string() } },
  description: 'Server-sent events: `metadata` first, then one event per stream-mode chunk, each with an `id:`',
};
