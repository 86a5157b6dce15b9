import { createHash, timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { ApiKey } from '../../config.ts';
import type { AppEnv, Caller } from '../app-env.ts';
import { looksLikeJwt, type JwtVerifier } from './jwt-verifier.ts';
import { AppError } from '../../errors.ts';
import { unauthorized } from './unauthorized.ts';

const openCaller: Caller = { tenantId: 'default', scopes: ['*'], name: 'open', kind: 'open', id: 'open' };
const publicPaths = new Set(['/', '/ok', '/ready', '/info', '/openapi.json', '/docs', '/docs/scalar.js']);

/** Paths anyone may call, authenticated or not, and that no rate limit counts. */
export function isPublicPath(path: string): boolean {
  // The console's page and bundle hold no data; what it shows comes from the API with a credential.
  return publicPaths.has(path) || path === '/console' || path.startsWith('/console/');
}

export interface AuthenticationOptions {
  /** Service accounts, by digest. */
  apiKeys: ApiKey[];
  /** Bearer JWT verification, when configured. */
  jwt?: JwtVerifier;
  /** More paths anyone may call (`/metrics` with METRICS_PUBLIC=true, for a scraper without credentials). */
  extraPublicPaths?: string[];
}

/**
 * Identify the caller by API key (`x-api-key`, or `Authorization: Bearer`) or by bearer JWT.
 * A bearer credential is first compared with the keys' digests (in constant time, against every
 * key); one that is not a key and has a JWT's shape is verified as a JWT. With neither keys nor JWT
 * configured every caller is the `default` tenant with every scope (open mode, which the server
 * allows on loopback only). Failures answer 401 with a `WWW-Authenticate` challenge.
 */
export function authenticate({ apiKeys, jwt, extraPublicPaths = [] }: AuthenticationOptions) {
  const known = apiKeys.map((apiKey) => ({ apiKey, digest: Buffer.from(apiKey.keySha256, 'hex') }));
  const open = known.length === 0 && !jwt;
  return createMiddleware<AppEnv>(async (c, next) => {
    // langgraph.json's own `authenticate` handler already said who this is.
    if (c.var.caller?.kind === 'custom') return next();
    if (open) {
      c.set('caller', openCaller);
      return next();
    }
    if (isPublicPath(c.req.path) || extraPublicPaths.includes(c.req.path)) return next();
    const apiKeyHeader = c.req.header('x-api-key');
    const offered = apiKeyHeader ?? c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    if (!offered) throw unauthorized(jwt ? 'A bearer token or an API key (x-api-key header) is required' : 'An API key is required (x-api-key header)');
    const offeredDigest = createHash('sha256').update(offered).digest();
    let match: ApiKey | undefined;
    // No early exit: the time taken does not say which key (or whether any) matched.
    for (const candidate of known) if (timingSafeEqual(candidate.digest, offeredDigest)) match = candidate.apiKey;
    if (match) {
      c.set('caller', {
        tenantId: match.tenant,
        scopes: match.scopes,
        name: match.name ?? `key:${match.tenant}`,
        kind: 'api_key',
        id: `key:${match.keySha256.slice(0, 16)}`,
      });
      return next();
    }
    if (jwt && apiKeyHeader === undefined && looksLikeJwt(offered)) {
      c.set('caller', await jwt(offered));
      return next();
    }
    throw unauthorized('Unknown API key', { invalid: true });
  });
}

/**
 * Throw 403 unless the caller holds `scope` (or `*`, or `resource:*`), with the RFC 6750
 * challenge that names the scope the request needs, so a client knows which to ask for.
 */
export function requireScope(caller: Caller, scope: string): void {
  const [resource] = scope.split(':');
  if (caller.scopes.includes('*') || caller.scopes.includes(scope) || caller.scopes.includes(`${resource}:*`)) return;
  const credential = caller.kind === 'jwt' ? 'token' : caller.kind === 'custom' ? 'user' : 'API key';
  throw new AppError('FORBIDDEN', `This ${credential} lacks the "${scope}" scope`, {
    headers: { 'WWW-Authenticate': `Bearer realm="overseer", error="insufficient_scope", scope="${scope}"` },
  });
}
