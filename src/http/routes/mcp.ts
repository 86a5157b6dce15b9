import { OpenAPIHono } from '@hono/zod-openapi';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { AppEnv } from '../app-env.ts';
import type { CustomAuth } from '../custom-auth/index.ts';
import { createAssistantMcpServer } from '../mcp/index.ts';

/**
 * `/mcp`: the Streamable HTTP transport of MCP, stateless (no session; each POST carries one
 * JSON-RPC exchange, answered as JSON once it is done), behind the same authentication, rate
 * limits and body limits as the rest of the API. The caller's tenant and scopes decide what
 * `tools/list` shows and `tools/call` may run, narrowed by langgraph.json's authorization handlers
 * when there are any. There is no server-initiated stream to GET, and no
 * session to DELETE, so both answer 405 as the specification says a stateless server does.
 */
export function createMcpRoutes(options: { customAuth?: CustomAuth } = {}) {
  const app = new OpenAPIHono<AppEnv>();
  app.post('/mcp', async (c) => {
    const server = createAssistantMcpServer(c.var.services, c.var.caller, options);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      // The body was read and checked once already (json-body-limits); the transport gets it parsed.
      const parsedBody = c.req.raw.body === null ? undefined : await c.req.json().catch(() => undefined);
      return await transport.handleRequest(c.req.raw, { parsedBody });
    } finally {
      await server.close();
    }
  });
  for (const method of ['get', 'delete'] as const) {
    app[method]('/mcp', (c) => c.json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this MCP endpoint is stateless; POST JSON-RPC messages to it' }, id: null }, 405, { Allow: 'POST' }));
  }
  return app;
}
