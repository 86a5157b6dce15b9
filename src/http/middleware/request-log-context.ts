import { createMiddleware } from 'hono/factory';
import { traceIdOf, withLogContext } from '../../observability/index.ts';
import type { AppEnv } from '../app-env.ts';

/**
 * Every log line written while a request is handled (the access log, errors deep in a store)
 * carries its request id, its tenant once authentication has named one, and the trace id of
 * the caller's W3C `traceparent` header when it sent one.
 */
export const requestLogContext = createMiddleware<AppEnv>((c, next) => {
  const traceId = traceIdOf(c.req.header('traceparent'));
  return withLogContext(() => ({ request_id: c.var.requestId, tenant: c.var.caller?.tenantId, trace_id: traceId }), next);
});
