import { z } from '@hono/zod-openapi';

/**
 * An id the caller names (thread, run, assistant, approval, job, checkpoint), in a path or a
 * body: 1 to 256 characters, no control characters (NUL, CR, LF ...) and no lone surrogates,
 * which storage keys and response headers cannot carry.
 */
export const resourceId = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'Ids cannot contain control characters');
