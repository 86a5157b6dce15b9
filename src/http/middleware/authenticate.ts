import { createHash, timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { ApiKey } from '../../config.ts';
import { AppError } from '../../errors.ts';
import type { AppEnv, Caller } from '../app-env.ts';

const openCaller: Caller = { tenantId: 'default', scopes: ['*'], name: 'open' };
const publicPaths = new Set(['/ok', '/info', '/openapi.json', '/docs']);

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Identify the caller by API key (`x-api-key`, or `Authorization: Bearer`). Keys are
 * compared by digest in constant time. With no keys configured every caller is the
 * `default` tenant with every scope (open mode, which the server allows on loopback only).
 */
export function authenticate(apiKeys: ApiKey[]) {
  const known = apiKeys.map((apiKey) => ({ apiKey, digest: digest(apiKey.key) }));
  return createMiddleware<AppEnv>(async (c, next) => {
    if (known.length === 0) {
      c.set('caller', openCaller);
      return next();
    }
    if (publicPaths.has(c.req.path)) return next();
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
    const offered = c.req.header('x-api-key') ?? bearer;
    if (!offered) throw new AppError('UNAUTHORIZED', 'An API key is required (x-api-key header)');
    const offeredDigest = digest(offered);
    const match = known.find((candidate) => timingSafeEqual(candidate.digest, offeredDigest));
    if (!match) throw new AppError('UNAUTHORIZED', 'Unknown API key');
    c.set('caller', { tenantId: match.apiKey.tenant, scopes: match.apiKey.scopes, name: match.apiKey.name ?? `key:${match.apiKey.tenant}` });
    return next();
  });
}

/** Throw 403 unless the caller holds `scope` (or `*`, or `resource:*`). */
export function requireScope(caller: Caller, scope: string): void {
  const [resource] = scope.split(':');
  if (caller.scopes.includes('*') || caller.scopes.includes(scope) || caller.scopes.includes(`${resource}:*`)) return;
  throw new AppError('FORBIDDEN', `This API key lacks the "${scope}" scope`);
}
