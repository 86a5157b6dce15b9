import type { Services } from '../services.ts';

/** Who is calling, as the API key, the bearer JWT (or open mode) says. */
export interface Caller {
  tenantId: string;
  scopes: string[];
  /** The key's name or the token's name claim, for audit records; `open` without keys. */
  name: string;
  /** How the caller proved who it is: an API key (a service account), a JWT, langgraph.json's auth handler, or nothing (open mode). */
  kind: 'api_key' | 'jwt' | 'custom' | 'open';
  /** The credential's holder, stable across requests, for per-key limits (never a secret). */
  id: string;
  /** The user langgraph.json's `auth.path` handler returned, passed to its authorization handlers. */
  user?: Record<string, unknown>;
}

/** Typed Hono environment: dependencies arrive through `c.var.services`, built once in server.ts. */
export interface AppEnv {
  Variables: {
    services: Services;
    requestId: string;
    caller: Caller;
  };
}
