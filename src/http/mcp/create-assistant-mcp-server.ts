import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { isAppError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import type { Caller } from '../app-env.ts';
import type { CustomAuth } from '../custom-auth/index.ts';
import { createAssistantCallAuthorization } from './authorize-assistant-call.ts';
import { callAssistantTool } from './call-assistant-tool.ts';
import { listAssistantTools } from './list-assistant-tools.ts';

/** Refused as the HTTP API would (403 there): a protocol error naming the missing scope. */
function requireMcpScope(caller: Caller, scope: string): void {
  const [resource] = scope.split(':');
  if (caller.scopes.includes('*') || caller.scopes.includes(scope) || caller.scopes.includes(`${resource}:*`)) return;
  throw new McpError(ErrorCode.InvalidRequest, `This ${caller.kind === 'jwt' ? 'token' : 'API key'} lacks the "${scope}" scope`);
}

/**
 * An MCP server for one authenticated caller: `tools/list` offers the assistants of the caller's
 * tenant (needs `assistants:read`), `tools/call` runs one and waits for its answer (needs
 * `runs:write`, as `POST /runs/wait` does). The low-level `Server` rather than `McpServer`:
 * the tools' input schemas are JSON Schema from the graphs, not zod schemas written here.
 * Built per request (the stateless Streamable HTTP mode), so it holds nothing between calls.
 * With langgraph.json's `auth.path` handlers, they narrow what it lists and runs (see
 * `createAssistantCallAuthorization`).
 */
export function createAssistantMcpServer(services: Services, caller: Caller, options: { customAuth?: CustomAuth } = {}): Server {
  const authorization = createAssistantCallAuthorization(services, caller, options.customAuth);
  const server = new Server(
    { name: 'overseer', version: '0.1.0' },
    { capabilities: { tools: { listChanged: false } }, instructions: 'Each tool is an Overseer assistant. A result that waits for approval names the approval id.' },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    requireMcpScope(caller, 'assistants:read');
    const tools = await safely(services, async () => authorization.visible(await listAssistantTools(services, caller.tenantId)));
    return {
      tools: tools.map((tool) => ({
        name: tool.name,
        title: tool.assistant.name,
        description: (tool.assistant.description ?? `Runs the ${tool.assistant.graph_id} graph`).slice(0, 2_000),
        inputSchema: tool.inputSchema,
        annotations: { readOnlyHint: false, openWorldHint: true },
        _meta: { assistant_id: tool.assistant.assistant_id, graph_id: tool.assistant.graph_id },
      })),
    };
  });
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    requireMcpScope(caller, 'runs:write');
    const tools = await safely(services, async () => authorization.visible(await listAssistantTools(services, caller.tenantId)));
    const tool = tools.find((candidate) => candidate.name === request.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `There is no tool named "${request.params.name}"; tools/list names this tenant's assistants`);
    return callAssistantTool(services, caller, tool, request.params.arguments ?? {}, authorization);
  });
  return server;
}

/** The SDK answers a thrown error with its message: only ours (written for clients) may reach the caller. */
async function safely<T>(services: Services, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isAppError(error)) throw new McpError(ErrorCode.InternalError, `${error.code}: ${error.message}`);
    services.logger.error({ error: { message: error instanceof Error ? error.message : String(error) } }, 'MCP request failed');
    throw new McpError(ErrorCode.InternalError, 'INTERNAL: the request failed unexpectedly');
  }
}
