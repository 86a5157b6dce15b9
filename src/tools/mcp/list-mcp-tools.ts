import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerSettings } from './mcp-server-settings.ts';
import { withMcpClient } from './with-mcp-client.ts';

/**
 * Every tool an MCP server lists (`tools/list`, all pages), each page under the server's
 * timeout. `signal` abandons the listing (shutdown): the connection, the pages, everything.
 * @example const listed = await listMcpTools(server);
 */
export async function listMcpTools(server: McpServerSettings, signal?: AbortSignal): Promise<Tool[]> {
  return withMcpClient(server, async (client) => {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout: server.timeoutMs, signal });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined && tools.length < 10_000);
    return tools;
  }, signal);
}
