import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, httpStatusOf, isStackOverflow, toPublicError, type ErrorCode } from '../errors.ts';
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
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
};

// Our words for Hono's exceptions: theirs may carry a library's own text (a form parser's error).
const messageByCode: Partial<Record<ErrorCode, string>> = {
  BAD_REQUEST: 'The request is malformed',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'Request bodies must be JSON: send Content-Type: application/json',
};

/**
 * Hono's own HTTP exceptions (malformed JSON, media types, body limits) speak our error language
 * too, and so does a stack overflow: only a value nested thousands deep, which only a request can
 * bring, overflows `JSON.stringify` and the like, so it is the caller's 400, not our 500.
 */
function asAppError(error: unknown): unknown {
  if (error instanceof HTTPException) {
    const code = codeByStatus[error.status] ?? (error.status < 500 ? 'BAD_REQUEST' : 'INTERNAL');
    const json = code === 'BAD_REQUEST' && /JSON/i.test(error.message);
    return new AppError(code, json ? 'The request body is not valid JSON' : (messageByCode[code] ?? (error.status < 500 ? 'The request was refused' : 'Internal server error')), { cause: error });
  }
  if (isStackOverflow(error)) return new AppError('BAD_REQUEST', 'The request is nested too deeply to process', { cause: error });
  return error;
}

/** The one error body shape: `{ error: { code, message, details? }, request_id }`. */
export function errorResponse(c: Context<AppEnv>, thrown: unknown) {
  const error = asAppError(thrown);
  const exposeDetails = c.var.services?.config.environment === 'development';
  const shown = toPublicError(error, { exposeDetails });
  const status = (error instanceof AppError ? httpStatusOf(error.code) : 500) as ContentfulStatusCode;
  // A run refused while the server drains is the expected answer, not a failure to log.
  const expected = error instanceof AppError && error.code === 'SERVER_DRAINING';
  if ((status >= 500 && !expected) || isStackOverflow(thrown)) {
    logError(`[${c.var.requestId ?? '-'}] ${c.req.method} ${c.req.path} failed:`, thrown);
  }
  if (error instanceof AppError) for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  // Every 401 says how to authenticate (RFC 9110 §11.6.1), also one an auth.path handler threw bare.
  const challenged = error instanceof AppError && Object.keys(error.headers).some((name) => name.toLowerCase() === 'www-authenticate');
  if (status === 401 && !challenged) c.header('WWW-Authenticate', 'Bearer realm="overseer"');
  return c.json({ error: shown, request_id: c.var.requestId ?? null }, status);
}
