import { createMiddleware } from 'hono/factory';
import type { AppEnv, Caller } from '../app-env.ts';
import { isPublicPath } from '../middleware/authenticate.ts';
import type { AuthUser, CustomAuth } from './custom-auth.ts';

/**
 * langgraph.json's `authenticate` handler says who the caller is: its identity and permissions
 * become the caller (permissions are Overseer scopes, e.g. `["threads:read", "runs:write"]` or
 * `["*"]`), in the tenant the user names (`tenant_id`, else `default`). Public paths stay open;
 * API keys and JWTs are not consulted while such a handler exists.
 * @example app.use('*', customAuthentication(createCustomAuth(auth, './auth.ts:auth')));
 */
export function customAuthentication(auth: CustomAuth) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!auth.authenticate || isPublicPath(c.req.path)) return next();
    const user = await auth.authenticate(c.req.raw);
    const tenantId = typeof user.tenant_id === 'string' && user.tenant_id ? user.tenant_id : 'default';
    c.set('caller', { tenantId, scopes: user.permissions, name: user.display_name, kind: 'custom', id: `custom:${user.identity}`, user });
    return next();
  });
}

/** The user an authorization handler is told about: the `authenticate` handler's, or the caller API keys, JWT or open mode gave. */
export function authUserOf(caller: Caller): AuthUser {
  if (caller.user) return caller.user as AuthUser;
  return { identity: caller.id, display_name: caller.name, permissions: caller.scopes, is_authenticated: caller.kind !== 'open', tenant_id: caller.tenantId };
}
