import type { Services } from '../services.ts';

/** Who is calling, as the API key (or open mode) says. */
export interface Caller {
  tenantId: string;
  scopes: string[];
  /** The key's name, for audit records; `open` without keys. */
  name: string;
}

/** Typed Hono environment: dependencies arrive through `c.var.services`, built once in server.ts. */
export interface AppEnv {
  Variables: {
    services: Services;
    requestId: string;
    caller: Caller;
  };
}
