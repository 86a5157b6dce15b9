import { z } from 'zod';
import { streamModes } from '../../runs/index.ts';

/**
 * Body of `POST /runs/wait` and `POST /runs/stream`, in the LangGraph API's shape. Fields
 * the SDK sends that we do not use yet are accepted and ignored (not `strict`), so the
 * official client works unchanged.
 */
export const runCreateSchema = z.object({
  assistant_id: z.string().trim().min(1).max(200),
  input: z.record(z.string(), z.unknown()).nullable().optional(),
  command: z
    .object({
      resume: z.unknown().optional(),
      goto: z.union([z.string(), z.array(z.string())]).optional(),
      update: z.record(z.string(), z.unknown()).optional(),
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
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  stream_mode: z
    .union([z.enum(streamModes), z.array(z.enum(streamModes)).max(streamModes.length)])
    .optional(),
  stream_subgraphs: z.boolean().optional(),
  on_completion: z.enum(['delete', 'keep']).optional(),
});
export type RunCreate = z.infer<typeof runCreateSchema>;

export function requestedStreamModes(body: RunCreate): (typeof streamModes)[number][] {
  if (body.stream_mode === undefined) return ['values'];
  return Array.isArray(body.stream_mode) ? body.stream_mode : [body.stream_mode];
}
