import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, httpStatusOf, toPublicError } from '../errors.ts';
import type { AppEnv } from './app-env.ts';

/** The one error body shape: `{ error: { code, message, details? }, request_id }`. */
export function errorResponse(c: Context<AppEnv>, error: unknown) {
  const exposeDetails = c.var.services?.config.environment === 'development';
  const shown = toPublicError(error, { exposeDetails });
  const status = (error instanceof AppError ? httpStatusOf(error.code) : 500) as ContentfulStatusCode;
  if (status >= 500) {
    console.error(`[${c.var.requestId ?? '-'}] ${c.req.method} ${c.req.path} failed:`, error);
  }
  return c.json({ error: shown, request_id: c.var.requestId ?? null }, status);
}
