import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConstantBackoff } from 'cockatiel';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../../../test/support/free-port.ts';
import { startMcpTestServer, type McpTestServer } from '../../../test/support/mcp-test-server.ts';
import { createLogger } from '../../observability/index.ts';
import { openDatabase } from '../../storage/index.ts';
import { createApprovalPolicy, type ApprovalRule } from '../approvals/index.ts';
import { defineTool } from '../define-tool.ts';
import { runToolCall } from '../run-tool-call.ts';
import { createSqliteEffectLedger } from '../sqlite-effect-ledger.ts';
import { createToolRegistry } from '../tool-registry.ts';
import type { McpServerSettings } from './mcp-server-settings.ts';
import { loadMcpToolSources } from './register-mcp-tools.ts';
import { retryMcpToolSources } from './retry-mcp-tool-sources.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function settings(port: number, overrides: Partial<McpServerSettings> = {}): McpServerSettings {
  return {
    name: 'crm',
    url: `http://127.0.0.1:${port}/mcp`,
    timeoutMs: 30_000,
    scopes: ['crm:use'],
    tools: {
      lookup_customer: { risk: 'read' },
      add_note: { risk: 'write' },
      issue_credit: { risk: 'write', approval: { field: 'amountCents', above: 10_000 } },
    },
    undeclaredTools: 'hide',
    ...overrides,
  };
}

/** A real pino logger whose lines the test reads. */
function capturedLogger() {
  const lines: Array<{ level: string; msg: string; attempt?: number }> = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

// A domain tool that already holds one of the names the MCP server's tools would get.
const ownLookup = defineTool({
  name: 'crm_lookup_customer', description: 'Our own customer lookup', risk: 'read',
  input: z.strictObject({ customerId: z.number().int() }),
  async execute() { return { ours: true }; },
});

async function startRetrying(servers: McpServerSettings[], backoffMs = 50) {
  const sources = await loadMcpToolSources(servers, { reservedNames: [ownLookup.name] });
  const registry = createToolRegistry([ownLookup, ...sources.tools]);
  const approvalRules: ApprovalRule[] = [...sources.approvalRules];
  const { logger, lines } = capturedLogger();
  const retries = retryMcpToolSources(servers, sources.unlisted, { registry, approvalRules, logger, backoff: new ConstantBackoff(backoffMs) });
  cleanups.push(() => retries.close());
  return { sources, registry, approvalRules, lines, retries };
}

/** A port where something accepts connections and drops them: a server that never lists. Counts the connections. */
async function startDroppingListener(port: number) {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { connections: () => connections };
}

async function startMcpOn(port: number): Promise<McpTestServer> {
  const mcp = await startMcpTestServer({ port });
  cleanups.push(() => mcp.close());
  return mcp;
}

describe('retryMcpToolSources', () => {
  it('lists a server down at start-up again until it comes up; its tools and approval rules join under the same policies and name rules', async () => {
    const port = await freePort();
    const { sources, registry, approvalRules, lines, retries } = await startRetrying([settings(port)]);
    expect(sources.tools).toEqual([]);
    expect(retries.states()).toEqual([{ name: 'crm', state: 'retrying', attempts: 1, tools: 0, lastError: expect.stringContaining('could not be reached (connection refused)') }]);

    const mcp = await startMcpOn(port);
    await expect.poll(() => registry.get('crm_issue_credit'), { timeout: 10_000 }).toMatchObject({ risk: 'write', scopes: ['crm:use'], upstream: 'mcp:crm' });
    // Named like our own tool: left out, ours stays.
    expect(registry.get('crm_lookup_customer')).toBe(ownLookup);
    expect(registry.list().map((tool) => tool.name)).toEqual(['crm_lookup_customer', 'crm_add_note', 'crm_issue_credit']);
    expect(approvalRules).toEqual([{ name: 'mcp-crm-issue_credit', tool: 'crm_issue_credit', amountField: 'amountCents', aboveCents: 10_000 }]);
    const [state] = retries.states();
    expect(state).toEqual({ name: 'crm', state: 'listed', attempts: expect.any(Number), tools: 2 });
    expect(state!.attempts).toBeGreaterThan(1);
    expect(lines.filter((line) => line.level !== 'debug').map((line) => [line.level, line.msg])).toEqual([
      ['warn', expect.stringMatching(/^MCP server "crm" \(http:\/\/127\.0\.0\.1:\d+\/mcp\) could not be listed \(attempt 1: .*connection refused.*\); its tools join when it lists, next try in [\d.]+ s$/)],
      ['warn', 'MCP server "crm": tool "crm_lookup_customer" is named like a tool already registered; left out (set tool_prefix)'],
      ['info', `MCP server "crm" listed on attempt ${state!.attempts}; its tools joined the registry: crm_add_note, crm_issue_credit`],
    ]);

    // The rule the late server brought holds a call above its threshold; the tool itself runs on the server.
    const policy = createApprovalPolicy({ rules: approvalRules });
    const context = { tenantId: 'acme', threadId: 'thread-1', scopes: ['crm:use'], idempotencyKey: randomUUID() };
    expect(policy.evaluate({ tool: registry.get('crm_issue_credit')!, args: { customerId: 7, amountCents: 25_000 }, context })).toMatchObject({ required: true, policy: 'mcp-crm-issue_credit' });
    const ledger = createSqliteEffectLedger(openDatabase(':memory:', { vectors: false }));
    const outcome = await runToolCall({ registry, ledger, context, call: { id: 'c', name: 'crm_add_note', args: { customerId: 7, text: 'hello' } } });
    expect(outcome).toEqual({ status: 'ok', replayed: false, result: { noteId: 1, summary: 'Note 1 added for customer 7.' } });
    expect(mcp.calls.map((call) => call.tool)).toEqual(['add_note']);
  });

  it('reports servers listed at start-up as listed, and retries only the one that was not', async () => {
    const up = await startMcpTestServer();
    cleanups.push(() => up.close());
    const port = await freePort();
    const listedServer = { ...settings(0), name: 'notes', url: up.url, toolPrefix: 'notes_' };
    const { retries } = await startRetrying([listedServer, settings(port)]);
    expect(retries.states()).toEqual([
      { name: 'notes', state: 'listed', attempts: 1, tools: 3 },
      { name: 'crm', state: 'retrying', attempts: expect.any(Number), tools: 0, lastError: expect.stringContaining('connection refused') },
    ]);
  });

  it('logs each failed attempt once: a warning for the first and every tenth, the others at debug', async () => {
    const port = await freePort();
    const { lines } = await startRetrying([settings(port)], 5);
    const failures = () => lines.filter((line) => line.msg.includes('could not be listed'));
    await expect.poll(() => failures().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(11);
    expect(failures().slice(0, 11).map((line) => [line.attempt, line.level])).toEqual([
      [1, 'warn'], [2, 'debug'], [3, 'debug'], [4, 'debug'], [5, 'debug'], [6, 'debug'], [7, 'debug'], [8, 'debug'], [9, 'debug'], [10, 'warn'], [11, 'debug'],
    ]);
  });

  it('close() stops the retries: it resolves, and no connection reaches the port after it', async () => {
    const port = await freePort();
    const listener = await startDroppingListener(port);
    const { retries } = await startRetrying([settings(port)], 20);
    await expect.poll(() => listener.connections(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await retries.close();
    const seen = listener.connections();
    // Many backoff intervals: a loop still running would have connected again by now.
    await sleep(500);
    expect(listener.connections()).toBe(seen);
    expect(retries.states()).toMatchObject([{ state: 'retrying' }]);
  });

  it('close() abandons an attempt in flight instead of waiting for its timeout', async () => {
    // Accepts and never answers: an attempt waits on the server's 30 s timeout until close() aborts it.
    const port = await freePort();
    const held: Socket[] = [];
    const silent = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => {
      for (const socket of held) socket.destroy();
      silent.close(() => resolve());
    }));
    // As if start-up had met a refusal there; the retries meet the silent server.
    const server = settings(port);
    const retries = retryMcpToolSources([server], [{ server, error: new Error('refused at start-up') }], {
      registry: createToolRegistry([]), approvalRules: [], logger: capturedLogger().logger, backoff: new ConstantBackoff(20),
    });
    cleanups.push(() => retries.close());
    await expect.poll(() => held.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await retries.close();
  }, 15_000);
});
