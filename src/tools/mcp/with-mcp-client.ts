import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolError } from '../tool-error.ts';
import type { McpServerSettings } from './mcp-server-settings.ts';

const clientInfo = { name: 'overseer', version: '0.1.0' };

/**
 * Connect to an MCP server, run `use` with the connected client, then end the session.
 * One connection per use: nothing is kept between calls, so a server that restarted (and
 * forgot its sessions) is simply met again. A failure to connect means nothing of `use` was
 * sent, so it is a ToolError (a clear refusal that promises nothing changed), naming the server.
 * @example const listed = await withMcpClient(server, (client) => client.listTools());
 */
export async function withMcpClient<T>(server: McpServerSettings, use: (client: Client) => Promise<T>, signal?: AbortSignal): Promise<T> {
  const transport = new StreamableHTTPClientTransport(new URL(server.url), {
    requestInit: { headers: server.headers ?? {} },
  });
  const client = new Client(clientInfo);
  try {
    await client.connect(transport, { signal, timeout: server.timeoutMs });
  } catch (error) {
    await client.close().catch(() => undefined);
    if (signal?.aborted) throw error;
    throw new ToolError(`The MCP server "${server.name}" could not be reached (${describeConnectError(error)}); nothing was run.`);
  }
  try {
    return await use(client);
  } finally {
    // Ends the session on servers that keep them; a server gone by now changes nothing.
    await transport.terminateSession().catch(() => undefined);
    await client.close().catch(() => undefined);
  }
}

const connectionErrors: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'timed out',
  // undici's word for a socket the server closed (a server that just stopped, say).
  UND_ERR_SOCKET: 'connection closed by the server',
};

/** Why a connection failed, in a few words an operator or a model can act on (never a stack). */
export function describeConnectError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code !== undefined) return connectionErrors[code] ?? code;
  if (typeof cause?.message === 'string') return cause.message.slice(0, 200);
  if (error instanceof StreamableHTTPError && typeof error.code === 'number') return `HTTP ${error.code}`;
  if (error instanceof Error && /timed out/i.test(error.message)) return 'timed out';
  return error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
}
