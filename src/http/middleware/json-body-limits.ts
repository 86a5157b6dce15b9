import { createMiddleware } from 'hono/factory';
import { AppError } from '../../errors.ts';
import type { AppEnv } from '../app-env.ts';
import { findJsonLimitViolation, type JsonLimits } from '../find-json-limit-violation.ts';

// `application/json`, a `+json` type, with or without parameters (`; charset=utf-8`).
const jsonContentType = /^application\/([\w.-]+\+)?json\s*(;.*)?$/i;
const bodylessMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Where `JSON.parse` stopped, as a line and column a client can find, never the engine's own text. */
function syntaxErrorMessage(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : '';
  if (/end of JSON input/i.test(message)) return 'The request body is not valid JSON: it ends too early';
  const position = Number(/at position (\d+)/.exec(message)?.[1] ?? Number.NaN);
  if (!Number.isInteger(position)) return 'The request body is not valid JSON';
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `The request body is not valid JSON (line ${line}, column ${column})`;
}

/**
 * Every request body is JSON, checked once before any route sees it: a body with another (or
 * no) content type is 415, one nested deeper or wider than `limits` is 400 before it is parsed,
 * and invalid JSON is 400 with the place it breaks. The parsed value is what the route's
 * validator then reads, so the body is read and parsed exactly once. An empty body passes
 * untouched: the SDK sends cancel and copy as bodyless POSTs without a content type.
 * @example app.use('*', jsonBodyLimits(config.jsonLimits));
 */
export function jsonBodyLimits(limits: JsonLimits) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (bodylessMethods.has(c.req.method) || c.req.raw.body === null) return next();
    // Cached by Hono (`bodyCache.text`), and bounded by the body limit that runs before this.
    const text = await c.req.text();
    if (text.length === 0) return next();
    const contentType = c.req.header('content-type');
    if (!contentType || !jsonContentType.test(contentType)) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be JSON: send Content-Type: application/json');
    }
    const violation = findJsonLimitViolation(text, limits);
    if (violation) throw new AppError('BAD_REQUEST', violation.message, { details: { limit: violation.limit, max: violation.max } });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new AppError('BAD_REQUEST', syntaxErrorMessage(error, text), { cause: error });
    }
    // Hono's `c.req.json()` (which its validator calls) parses the cached text again on every call.
    c.req.json = (async () => parsed) as typeof c.req.json;
    return next();
  });
}
