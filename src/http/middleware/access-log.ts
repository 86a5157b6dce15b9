import { createMiddleware } from 'hono/factory';
import type { Logger } from '../../observability/index.ts';
import type { AppEnv } from '../app-env.ts';

/**
 * One line per request, whatever its outcome: method, path, status, duration, request id and
 * the caller's tenant (once authentication has named one). Server errors log at `error`,
 * client errors at `warn`, the rest at `info`, so `LOG_LEVEL=warn` shows only what went wrong.
 * A streamed response is logged when its headers are sent, not when the stream ends.
 */
export function accessLog(logger: Logger) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const status = c.res.status;
      const line = {
        method: c.req.method,
        path: c.req.path,
        status,
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
        request_id: c.var.requestId,
        tenant: c.var.caller?.tenantId ?? null,
      };
      if (status >= 500) logger.error(line, 'request');
      else if (status >= 400) logger.warn(line, 'request');
      else logger.info(line, 'request');
    }
  });
}
