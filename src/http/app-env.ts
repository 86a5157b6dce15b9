import type { Services } from '../services.ts';

/** Typed Hono environment: dependencies arrive through `c.var.services`, built once in server.ts. */
export interface AppEnv {
  Variables: {
    services: Services;
    requestId: string;
  };
}
