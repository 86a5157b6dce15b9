import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port.ts';
import { startMcpTestServer, type McpTestServer } from '../../../test/support/mcp-test-server.ts';
import { openDatabase } from '../../storage/index.ts';
import { runToolCall, type ToolCallContext } from '../run-tool-call.ts';
import { createSqliteEffectLedger } from '../sqlite-effect-ledger.ts';
import { createToolRegistry } from '../tool-registry.ts';
import type { McpServerSettings } from './mcp-server-settings.ts';
import { loadMcpToolSources } from './register-mcp-tools.ts';

let mcp: McpTestServer;

beforeEach(async () => {
  mcp = await startMcpTestServer();
});

afterEach(async () => {
  await mcp.close();
});

function settings(overrides: Partial<McpServerSettings> = {}): McpServerSettings {
  return {
    name: 'crm',
    url: mcp.url,
    timeoutMs: 30_000,
    scopes: ['crm:use'],
    tools: {
      lookup_customer: { risk: 'read' },
      add_note: { risk: 'write', scopes: ['crm:write'] },
      issue_credit: { risk: 'write', approval: { field: 'amountCents', above: 10_000 } },
      close_ticket: { risk: 'write' },
    },
    undeclaredTools: 'approve',
    ...overrides,
  };
}

async function setup(overrides: Partial<McpServerSettings> = {}) {
  const source = await loadMcpToolSources([settings(overrides)]);
  const registry = createToolRegistry(source.tools);
  const ledger = createSqliteEffectLedger(openDatabase(':memory:', { vectors: false }));
  const context = (): ToolCallContext => ({ tenantId: 'acme', threadId: 'thread-1', scopes: ['crm:use', 'crm:write'], idempotencyKey: randomUUID() });
  const call = (name: string, args: unknown, callContext = context()) => runToolCall({ registry, ledger, context: callContext, call: { id: 'c', name, args } });
  return { source, registry, ledger, context, call };
}

describe('MCP servers as tool sources', () => {
  it('registers each listed tool under the declared risk, scopes and approval; undeclared ones as irreversible, always approved', async () => {
    const { source, registry } = await setup();
    expect(source.warnings).toEqual([]);
    expect(source.tools.map((tool) => [tool.name, tool.risk, tool.idempotent, tool.scopes, tool.upstream])).toEqual([
      ['crm_lookup_customer', 'read', true, ['crm:use'], 'mcp:crm'],
      ['crm_add_note', 'write', false, ['crm:use', 'crm:write'], 'mcp:crm'],
      ['crm_issue_credit', 'write', false, ['crm:use'], 'mcp:crm'],
      ['crm_close_ticket', 'write', false, ['crm:use'], 'mcp:crm'],
      ['crm_sync_ledger', 'irreversible', false, ['crm:use'], 'mcp:crm'],
      // It claims readOnlyHint: a server's own hints never lower the risk.
      ['crm_wipe_account', 'irreversible', false, ['crm:use'], 'mcp:crm'],
    ]);
    expect(source.approvalRules).toEqual([
      { name: 'mcp-crm-issue_credit', tool: 'crm_issue_credit', amountField: 'amountCents', aboveCents: 10_000 },
      { name: 'mcp-crm-sync_ledger', tool: 'crm_sync_ledger', always: true },
      { name: 'mcp-crm-wipe_account', tool: 'crm_wipe_account', always: true },
    ]);
    expect(registry.toModelTools({ scopes: ['crm:use'] }).map((tool) => tool.function.name)).not.toContain('crm_add_note');
    expect(registry.get('crm_add_note')!.description).toBe('Add a note to a customer (MCP server "crm")');
    expect(registry.get('crm_wipe_account')!.description).toContain('undeclared: every call needs approval');
  });

  it('leaves undeclared tools out when told to, and warns about declared tools the server lacks', async () => {
    const { source } = await setup({ undeclaredTools: 'hide', tools: { lookup_customer: { risk: 'read' }, refund_everything: { risk: 'irreversible' } } });
    expect(source.tools.map((tool) => tool.name)).toEqual(['crm_lookup_customer']);
    expect(source.warnings).toEqual(['MCP server "crm" does not list the declared tool "refund_everything"']);
  });

  it('an approval threshold on an argument the tool lacks asks a person every time, with a warning', async () => {
    const { source } = await setup({ tools: { add_note: { risk: 'write', approval: { field: 'amountCents', above: 1 } } }, undeclaredTools: 'hide' });
    expect(source.approvalRules).toEqual([{ name: 'mcp-crm-add_note', tool: 'crm_add_note', always: true }]);
    expect(source.warnings[0]).toMatch(/no numeric argument "amountCents".*every call needs approval/);
  });

  it('calls a read and returns its structured result; validates arguments strictly before anything is sent', async () => {
    const { call } = await setup();
    expect(await call('crm_lookup_customer', { customerId: 7 })).toEqual({ status: 'ok', replayed: false, result: { id: 7, name: 'Maya Patel', notes: 0 } });
    const invalid = await call('crm_lookup_customer', { customerId: 0, sneaky: true });
    expect(invalid.status === 'invalid' && invalid.issues.map((issue) => issue.field)).toEqual(['customerId', 'sneaky']);
    expect(mcp.calls.map((seen) => seen.tool)).toEqual(['lookup_customer']);
  });

  it('the ledger replays a write called again with the same key: the MCP server sees it once, with the key in _meta', async () => {
    const { call, context } = await setup();
    const writeContext = context();
    const first = await call('crm_add_note', { customerId: 7, text: 'Called about a late parcel' }, writeContext);
    expect(first).toEqual({ status: 'ok', replayed: false, result: { noteId: 1, summary: 'Note 1 added for customer 7.' } });
    expect(await call('crm_add_note', { customerId: 7, text: 'Called about a late parcel' }, writeContext)).toEqual({ ...first, replayed: true });
    expect(mcp.calls).toEqual([{ tool: 'add_note', args: { customerId: 7, text: 'Called about a late parcel' }, idempotencyKey: writeContext.idempotencyKey }]);
  });

  it('an error result of the tool is a clear failure, not a doubt: the key is released', async () => {
    const { call, ledger, context } = await setup();
    const callContext = context();
    expect(await call('crm_close_ticket', { ticketId: 'T-9' }, callContext)).toEqual({
      status: 'failed', retryable: false, message: '"close_ticket" failed on the MCP server "crm": Ticket T-9 is locked by another agent',
    });
    expect((await ledger.get(callContext.idempotencyKey))?.status).toBe('failed');
  });

  it('a write that reached the server and timed out is in doubt, never repeated blindly', async () => {
    // A short timeout against a tool that never answers: it trips by design, whatever the machine's speed.
    const { call, context, ledger } = await setup({ timeoutMs: 2_000, tools: { sync_ledger: { risk: 'write' } }, undeclaredTools: 'hide' });
    const callContext = context();
    expect(await call('crm_sync_ledger', { customerId: 7 }, callContext)).toEqual({ status: 'in_doubt', message: expect.stringContaining('whether it took effect is unknown') });
    expect((await ledger.get(callContext.idempotencyKey))?.status).toBe('started');
    expect(await call('crm_sync_ledger', { customerId: 7 }, callContext)).toMatchObject({ status: 'in_doubt' });
    expect(mcp.calls.filter((seen) => seen.tool === 'sync_ledger')).toHaveLength(1);
  });

  it('a server that went down is a clear tool error saying nothing was run, for reads and writes alike', async () => {
    const { call, ledger, context } = await setup();
    await mcp.close();
    const writeContext = context();
    // Refused, or (a kept-alive socket the server dropped as it stopped) closed: nothing was sent either way.
    const expected = { status: 'failed', retryable: false, message: expect.stringMatching(/^The MCP server "crm" could not be reached \((connection refused|connection closed by the server)\); nothing was run\.$/) };
    expect(await call('crm_add_note', { customerId: 7, text: 'hello' }, writeContext)).toEqual(expected);
    expect(await call('crm_lookup_customer', { customerId: 7 })).toEqual(expected);
    // Not in doubt: the same call may run once the server is back.
    expect((await ledger.get(writeContext.idempotencyKey))?.status).toBe('failed');
  });

  it('leaves out a tool named like one already registered, with a warning, instead of failing the registry', async () => {
    const twin = { ...settings(), name: 'crm2', toolPrefix: 'crm_' };
    const source = await loadMcpToolSources([settings(), twin], { reservedNames: ['crm_lookup_customer'] });
    expect(source.tools.filter((tool) => tool.name === 'crm_add_note')).toHaveLength(1);
    expect(source.tools.map((tool) => tool.name)).not.toContain('crm_lookup_customer');
    expect(source.warnings).toContain('MCP server "crm": tool "crm_lookup_customer" is named like a tool already registered; left out (set tool_prefix)');
    expect(source.warnings).toContain('MCP server "crm2": tool "crm_add_note" is named like a tool already registered; left out (set tool_prefix)');
    expect(() => createToolRegistry(source.tools)).not.toThrow();
    expect(source.approvalRules.filter((rule) => rule.tool === 'crm_issue_credit')).toHaveLength(1);
  });

  it('a server that cannot be listed contributes no tools and is returned as unlisted with the reason, and the rest still load', async () => {
    const down = { ...settings(), name: 'billing', url: `http://127.0.0.1:${await freePort()}/mcp` };
    const source = await loadMcpToolSources([down, settings()]);
    expect(source.tools.map((tool) => tool.name)).toContain('crm_add_note');
    expect(source.tools.some((tool) => tool.name.startsWith('billing_'))).toBe(false);
    expect(source.warnings).toEqual([]);
    expect(source.unlisted).toEqual([{ server: down, error: expect.objectContaining({ message: expect.stringMatching(/^The MCP server "billing" could not be reached \(connection refused\)/) }) }]);
  });
});
