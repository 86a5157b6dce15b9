import { randomUUID } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env.ts';

const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/** Give every request an id (the caller's `X-Request-Id` when it is sane) and echo it back. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const offered = c.req.header('x-request-id');
  const id = offered && acceptable.test(offered) ? offered : randomUUID();
  c.set('requestId', id);
  c.header('X-Request-Id', id);
  await next();
});
