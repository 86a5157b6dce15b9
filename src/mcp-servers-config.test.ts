import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('MCP_SERVERS', () => {
  it('is empty by default', () => {
    expect(loadConfig({}).mcpServers).toEqual([]);
  });

  it('parses servers with their defaults: 10 s timeout, undeclared tools offered only with approval', () => {
    const config = loadConfig({ MCP_SERVERS: JSON.stringify([{ name: 'crm', url: 'http://crm:3000/mcp', tools: { add_note: { risk: 'write', scopes: ['crm:write'] } } }]) });
    expect(config.mcpServers).toEqual([{ name: 'crm', url: 'http://crm:3000/mcp', timeoutMs: 10_000, tools: { add_note: { risk: 'write', scopes: ['crm:write'] } }, undeclaredTools: 'approve' }]);
  });

  it('reads MCP_SERVERS_FILE', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'overseer-mcp-'));
    try {
      const file = path.join(directory, 'mcp.json');
      writeFileSync(file, JSON.stringify([{ name: 'billing', url: 'https://billing.internal/mcp', headers: { authorization: 'Bearer t' }, timeout_ms: 5_000, tool_prefix: '', undeclared_tools: 'hide' }]));
      expect(loadConfig({ MCP_SERVERS_FILE: file }).mcpServers).toEqual([
        { name: 'billing', url: 'https://billing.internal/mcp', headers: { authorization: 'Bearer t' }, timeoutMs: 5_000, toolPrefix: '', tools: {}, undeclaredTools: 'hide' },
      ]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuses bad JSON, unknown fields, bad risks, non-HTTP URLs and duplicate names, naming the place', () => {
    expect(() => loadConfig({ MCP_SERVERS: '[{' })).toThrow('MCP_SERVERS is not valid JSON');
    const invalid = (servers: unknown) => {
      try {
        loadConfig({ MCP_SERVERS: JSON.stringify(servers) });
      } catch (error) {
        return { message: (error as Error).message, details: (error as { details?: unknown }).details };
      }
      return undefined;
    };
    expect(invalid([{ name: 'crm', url: 'http://crm/mcp', tools: { x: { risk: 'harmless' } } }])).toMatchObject({ message: 'MCP_SERVERS is invalid', details: [{ variable: 'MCP_SERVERS.0.tools.x.risk' }] });
    expect(invalid([{ name: 'crm', url: 'file:///etc/passwd' }])).toMatchObject({ details: [{ variable: 'MCP_SERVERS.0.url' }] });
    expect(invalid([{ name: 'crm', url: 'http://crm/mcp', surprise: true }])).toMatchObject({ details: [{ variable: 'MCP_SERVERS.0' }] });
    expect(invalid([{ name: 'crm', url: 'http://a/mcp' }, { name: 'crm', url: 'http://b/mcp' }])).toMatchObject({ message: 'MCP_SERVERS names the same server twice' });
    expect(() => loadConfig({ MCP_SERVERS: '[]', MCP_SERVERS_FILE: '/x.json' })).toThrow('Set MCP_SERVERS or MCP_SERVERS_FILE, not both');
  });
});
