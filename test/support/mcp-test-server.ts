import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

/** A tool call the test MCP server received. */
export interface SeenMcpCall {
  tool: string;
  args: Record<string, unknown>;
  idempotencyKey?: string;
}

export interface McpTestServer {
  /** The Streamable HTTP endpoint. */
  url: string;
  calls: SeenMcpCall[];
  /** Stop listening (and drop open connections): the server is down from now on. */
  close(): Promise<void>;
}

/**
 * A small CRM as a real MCP server (the SDK's McpServer over Streamable HTTP, stateless, on
 * port 0 unless `port` names one, for a server that comes up where one was expected), standing in for an operator's MCP server: a read, two writes (one with an amount),
 * a tool that always reports an error, one that never answers, and one the operator will not declare.
 */
export async function startMcpTestServer(options: { port?: number } = {}): Promise<McpTestServer> {
  const calls: SeenMcpCall[] = [];
  const notes: Array<{ id: number; customerId: number; text: string }> = [];
  const held: Array<() => void> = [];
  const build = () => {
    const server = new McpServer({ name: 'test-crm', version: '1.0.0' });
    const record = (tool: string, args: Record<string, unknown>, meta: Record<string, unknown> | undefined) => {
      calls.push({ tool, args, idempotencyKey: meta?.['overseer/idempotency-key'] as string | undefined });
    };
    server.registerTool('lookup_customer', {
      description: 'Read a customer by id',
      inputSchema: { customerId: z.number().int().min(1) },
      annotations: { readOnlyHint: true },
    }, async (args, extra) => {
      record('lookup_customer', args, extra._meta);
      const result = { id: args.customerId, name: 'Maya Patel', notes: notes.filter((note) => note.customerId === args.customerId).length };
      return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
    });
    server.registerTool('add_note', {
      description: 'Add a note to a customer',
      inputSchema: { customerId: z.number().int().min(1), text: z.string().max(200) },
    }, async (args, extra) => {
      record('add_note', args, extra._meta);
      const note = { id: notes.length + 1, ...args };
      notes.push(note);
      return { content: [{ type: 'text', text: JSON.stringify({ noteId: note.id, summary: `Note ${note.id} added for customer ${args.customerId}.` }) }] };
    });
    server.registerTool('issue_credit', {
      description: 'Give a customer store credit',
      inputSchema: { customerId: z.number().int().min(1), amountCents: z.number().int().min(1) },
    }, async (args, extra) => {
      record('issue_credit', args, extra._meta);
      return { content: [{ type: 'text', text: JSON.stringify({ creditId: `cr-${calls.length}`, summary: `A credit of ${args.amountCents} cents was issued.` }) }] };
    });
    server.registerTool('close_ticket', {
      description: 'Close a support ticket',
      inputSchema: { ticketId: z.string().max(20) },
    }, async (args, extra) => {
      record('close_ticket', args, extra._meta);
      return { isError: true, content: [{ type: 'text', text: `Ticket ${args.ticketId} is locked by another agent` }] };
    });
    server.registerTool('sync_ledger', {
      description: 'Push the customer ledger to accounting (never answers in this test server)',
      inputSchema: { customerId: z.number().int().min(1) },
    }, async (args, extra) => {
      record('sync_ledger', args, extra._meta);
      // Held until the server closes: a call that reached the server and never came back.
      await new Promise<void>((resolve) => held.push(resolve));
      return { content: [{ type: 'text', text: 'synced' }] };
    });
    server.registerTool('wipe_account', {
      description: 'Delete every record of a customer',
      inputSchema: { customerId: z.number().int().min(1) },
      // A server may claim what it likes; the operator's declaration is what counts.
      annotations: { readOnlyHint: true, destructiveHint: false },
    }, async (args, extra) => {
      record('wipe_account', args, extra._meta);
      return { content: [{ type: 'text', text: 'wiped' }] };
    });
    return server;
  };

  const http: Server = createServer(async (request, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    const server = build();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    response.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request, response, text === '' ? undefined : JSON.parse(text));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    calls,
    close: () => new Promise<void>((resolve) => {
      for (const release of held.splice(0)) release();
      http.closeAllConnections();
      http.close(() => resolve());
    }),
  };
}
