import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, httpStatusOf, toPublicError, type ErrorCode } from '../errors.ts';
import type { AppEnv } from './app-env.ts';
import { logError } from '../observability/index.ts';

const codeByStatus: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
};

/** Hono's own HTTP exceptions (malformed JSON, body limits) speak our error language too. */
function asAppError(error: unknown): unknown {
  if (error instanceof HTTPException) {
    const code = codeByStatus[error.status] ?? 'INTERNAL';
    return new AppError(code, code === 'BAD_REQUEST' && /JSON/i.test(error.message) ? 'Request body is not valid JSON' : error.message, { cause: error });
  }
  return error;
}

/** The one error body shape: `{ error: { code, message, details? }, request_id }`. */
export function errorResponse(c: Context<AppEnv>, thrown: unknown) {
  const error = asAppError(thrown);
  const exposeDetails = c.var.services?.config.environment === 'development';
  const shown = toPublicError(error, { exposeDetails });
  const status = (error instanceof AppError ? httpStatusOf(error.code) : 500) as ContentfulStatusCode;
  if (status >= 500) {
    logError(`[${c.var.requestId ?? '-'}] ${c.req.method} ${c.req.path} failed:`, thrown);
  }
  return c.json({ error: shown, request_id: c.var.requestId ?? null }, status);
}
