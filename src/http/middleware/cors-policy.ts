import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../app-env.ts';

export interface CorsPolicyOptions {
  /** Origins allowed in every mode (`CORS_ORIGINS`; LangGraph Studio's by default). */
  origins: string[];
  /**
   * Open mode (no keys, no JWT: loopback only): local front ends (Vite, Next.js on
   * `http://localhost:<any port>`) are allowed too, since anything on this machine can reach
   * the API anyway. With authentication configured only `origins` are.
   */
  openMode: boolean;
}

const localOrigin = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/** Whether a browser page of `origin` may call the API under these options. */
export function isAllowedOrigin(origin: string, options: CorsPolicyOptions): boolean {
  return options.origins.includes(origin) || (options.openMode && localOrigin.test(origin));
}

/**
 * CORS for Studio and local front ends. The allowed origin is echoed, never `*`, and no
 * credentials (cookies) are allowed: callers authenticate with headers. A preflight asking for
 * Private Network Access (Chrome, for Studio's public page calling a loopback server) is
 * answered yes for allowed origins.
 */
export function corsPolicy(options: CorsPolicyOptions): MiddlewareHandler<AppEnv> {
  const handler = cors({
    origin: (origin) => (isAllowedOrigin(origin, options) ? origin : null),
    // `mcp-protocol-version`: what MCP clients (a browser's MCP Inspector, say) send to /mcp after initializing.
    allowHeaders: ['content-type', 'x-api-key', 'authorization', 'last-event-id', 'x-request-id', 'mcp-protocol-version'],
    exposeHeaders: ['content-location', 'location', 'x-request-id', 'retry-after', 'www-authenticate', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'],
    maxAge: 600,
  });
  return async (c, next) => {
    const asksPrivateNetwork = c.req.method === 'OPTIONS' && c.req.header('access-control-request-private-network') === 'true';
    const response = await handler(c, next);
    if (asksPrivateNetwork && isAllowedOrigin(c.req.header('origin') ?? '', options)) {
      (response ?? c.res).headers.set('Access-Control-Allow-Private-Network', 'true');
    }
    return response;
  };
}
