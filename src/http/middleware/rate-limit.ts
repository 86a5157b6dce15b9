import { createMiddleware } from 'hono/factory';
import { AppError } from '../../errors.ts';
import type { AppEnv, Caller } from '../app-env.ts';
import { isPublicPath } from './authenticate.ts';

/**
 * Count each authenticated request against its key's and its tenant's requests per minute
 * (`services.limits.requests`). Over a limit: 429 RATE_LIMITED with `Retry-After`; every counted
 * response carries the IETF draft `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
 * (seconds) of the tightest limit. Public paths (health, docs) are not counted.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const limiter = c.var.services.limits.requests;
  const caller = c.var.caller as Caller | undefined;
  if (!limiter || !caller || isPublicPath(c.req.path)) return next();
  const allowance = await limiter.consume({ keyId: caller.id, tenantId: caller.tenantId });
  if (!allowance) return next();
  const headers = {
    'RateLimit-Limit': String(allowance.limit),
    'RateLimit-Remaining': String(allowance.remaining),
    'RateLimit-Reset': String(allowance.resetSeconds),
  };
  if (!allowance.allowed) {
    throw new AppError('RATE_LIMITED', `Too many requests: at most ${allowance.limit} a minute; retry in ${allowance.resetSeconds} s`, {
      headers: { ...headers, 'Retry-After': String(allowance.resetSeconds) },
    });
  }
  await next();
  for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
});
