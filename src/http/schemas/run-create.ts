import { z } from '@hono/zod-openapi';
import { AppError } from '../../errors.ts';
import { streamModes } from '../../runs/index.ts';

const nodeList = z.union([z.literal('*'), z.array(z.string().max(200)).max(100)]);

/**
 * Body of every run-creating endpoint, in the LangGraph API's shape. Fields the SDK sends
 * that change nothing here (`feedback_keys`, `checkpoint_during`, ...) are accepted and
 * ignored rather than rejected, so the official client works unchanged.
 */
export const runCreateSchema = z
  .object({
    assistant_id: z.string().trim().min(1).max(200).openapi({ description: 'Assistant id or graph name', example: 'supervisor' }),
    input: z.record(z.string(), z.unknown()).nullable().optional(),
    command: z
      .object({
        resume: z.unknown().optional(),
        goto: z.union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).min(1).max(100)]).optional(),
        update: z.record(z.string(), z.unknown()).optional(),
      })
      // LangGraph refuses a command that writes nothing ("Received empty Command input").
      .refine((command) => command.resume != null || command.goto !== undefined || Object.keys(command.update ?? {}).length > 0, {
        message: 'A command needs at least one of resume (not null), goto or update (not empty)',
      })
      .nullable()
      .optional(),
    config: z
      .object({
        configurable: z.record(z.string(), z.unknown()).optional(),
        tags: z.array(z.string()).optional(),
        recursion_limit: z.number().int().min(1).max(1_000).optional(),
      })
      .passthrough()
      .optional(),
    context: z.unknown().optional(),
    metadata: z.record(z.string(), z.unknown()).nullable().optional(),
    stream_mode: z.union([z.enum(streamModes), z.array(z.enum(streamModes)).max(streamModes.length)]).optional(),
    stream_subgraphs: z.boolean().optional(),
    stream_resumable: z.boolean().optional(),
    interrupt_before: nodeList.optional(),
    interrupt_after: nodeList.optional(),
    checkpoint_id: z.string().max(200).optional(),
    checkpoint: z.object({ checkpoint_id: z.string().max(200).optional() }).passthrough().nullable().optional(),
    multitask_strategy: z.enum(['reject', 'interrupt', 'rollback', 'enqueue']).optional(),
    if_not_exists: z.enum(['create', 'reject']).optional(),
    on_completion: z.enum(['delete', 'keep']).optional(),
    on_disconnect: z.enum(['cancel', 'continue']).optional(),
    webhook: z.string().url().max(2_000).optional(),
    after_seconds: z.number().min(0).max(86_400).optional(),
    durability: z.enum(['exit', 'async', 'sync']).optional(),
  })
  .openapi('RunCreate');
export type RunCreate = z.infer<typeof runCreateSchema>;

export function requestedStreamModes(body: RunCreate): (typeof streamModes)[number][] {
  if (body.stream_mode === undefined) return ['values'];
  return Array.isArray(body.stream_mode) ? body.stream_mode : [body.stream_mode];
}

/**
 * Throws unless `body.command` can act: a command resumes, redirects or updates a thread's saved
 * state, so a stateless run cannot take one, and `goto` must name nodes the graph has (LangGraph
 * would otherwise run nothing, silently). `nodes` are the graph's node names when it is known.
 */
export function assertCommandFits(body: RunCreate, options: { stateless: boolean; nodes?: string[] }): void {
  const { command } = body;
  if (command == null) return;
  if (options.stateless) {
    throw new AppError('VALIDATION_FAILED', 'A command acts on a thread\'s saved state, so it needs a thread: POST /threads/{thread_id}/runs', {
      details: [{ path: 'command', message: 'Not allowed on a stateless run' }],
    });
  }
  if (command.goto === undefined || options.nodes === undefined) return;
  const known = options.nodes.filter((node) => node !== '__start__');
  const unknown = [command.goto].flat().filter((node) => !known.includes(node));
  if (unknown.length > 0) {
    const named = unknown.slice(0, 5).map((node) => JSON.stringify(node.slice(0, 100))).join(', ');
    throw new AppError('UNPROCESSABLE', `command.goto names nodes the graph does not have: ${named} (it has ${known.join(', ')})`);
  }
}
