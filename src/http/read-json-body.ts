import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from '../errors.ts';

/**
 * Parse and validate a JSON body. Malformed JSON and schema violations both become 400s
 * with the offending fields named, before any work starts.
 */
export async function readJsonBody<Schema extends z.ZodType>(c: Context, schema: Schema): Promise<z.infer<Schema>> {
  let body: unknown;
  try {
    const text = await c.req.text();
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new AppError('BAD_REQUEST', 'Request body is not valid JSON', { cause: error });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', 'Request body failed validation', {
      details: parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message })),
    });
  }
  return parsed.data;
}
