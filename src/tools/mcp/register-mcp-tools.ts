import { ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalRule } from '../approvals/index.ts';
import { defineTool, type ToolDefinition } from '../define-tool.ts';
import { jsonSchemaToZod } from '../openapi/index.ts';
import { ToolError } from '../tool-error.ts';
import { mcpToolPolicy, type McpServerSettings, type McpToolPolicy } from './mcp-server-settings.ts';
import { readMcpToolResult } from './read-mcp-tool-result.ts';
import { listMcpTools } from './list-mcp-tools.ts';
import { withMcpClient } from './with-mcp-client.ts';

/** An MCP server's tools as registry tools, the approval rules their thresholds make, and what was left out and why. */
export interface McpToolSource {
  tools: ToolDefinition[];
  approvalRules: ApprovalRule[];
  warnings: string[];
}

// Protocol errors that mean the server refused the request as sent: nothing ran.
const refusalCodes = new Set<number>([ErrorCode.InvalidParams, ErrorCode.MethodNotFound, ErrorCode.InvalidRequest, ErrorCode.ParseError]);

/**
 * One registry tool per tool an MCP server lists (as `tools/list` returned them), under the
 * operator's declared policy (`mcpToolPolicy`): risk, scopes, idempotency and an approval rule
 * per tool. Input schemas are made strict as OpenAPI tools' are; a tool whose schema cannot be
 * enforced is left out with a warning rather than offered with a looser one. A call opens its own
 * connection (see `withMcpClient`) and passes the call's idempotency key in `_meta`.
 * @example const { tools, approvalRules } = registerMcpTools(server, (await client.listTools()).tools);
 */
export function registerMcpTools(server: McpServerSettings, listed: Tool[]): McpToolSource {
  const source: McpToolSource = { tools: [], approvalRules: [], warnings: [] };
  const prefix = server.toolPrefix ?? `${server.name}_`;
  const names = new Set<string>();
  for (const tool of listed) {
    const policy = mcpToolPolicy(server, tool.name);
    if (policy === undefined) continue;
    const name = `${prefix}${tool.name}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
    if (names.has(name)) {
      source.warnings.push(`MCP server "${server.name}": tool "${tool.name}" would be named "${name}" like another of its tools; left out`);
      continue;
    }
    let definition: ToolDefinition;
    try {
      definition = toTool(server, tool, name, policy);
    } catch (error) {
      source.warnings.push(`MCP server "${server.name}": tool "${tool.name}" left out: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    names.add(name);
    source.tools.push(definition);
    const rule = approvalRuleOf(server, tool, name, policy, source.warnings);
    if (rule) source.approvalRules.push(rule);
  }
  const listedNames = new Set(listed.map((tool) => tool.name));
  for (const declared of Object.keys(server.tools)) {
    if (!listedNames.has(declared)) source.warnings.push(`MCP server "${server.name}" does not list the declared tool "${declared}"`);
  }
  return source;
}

function toTool(server: McpServerSettings, listed: Tool, name: string, policy: McpToolPolicy): ToolDefinition {
  const input = jsonSchemaToZod(closeOpenObjects(listed.inputSchema) as Record<string, unknown>, {});
  const description = `${listed.description ?? listed.title ?? listed.name} (MCP server "${server.name}"${policy.declared ? '' : '; undeclared: every call needs approval'})`;
  return defineTool({
    name,
    description: description.slice(0, 1_000),
    risk: policy.risk,
    idempotent: policy.idempotent,
    scopes: policy.scopes,
    timeoutMs: server.timeoutMs,
    retry: policy.idempotent ? { attempts: 2, initialDelayMs: 100, maxDelayMs: 1_000 } : undefined,
    upstream: `mcp:${server.name}`,
    input,
    async execute(args: Record<string, unknown>, context) {
      const result = await withMcpClient(server, async (client) => {
        try {
          return await client.callTool(
            { name: listed.name, arguments: args, _meta: { 'overseer/idempotency-key': context.idempotencyKey } },
            undefined,
            // Our own timeout (the tool's) governs; the SDK's only backs it up.
            { signal: context.signal, timeout: server.timeoutMs + 1_000 },
          );
        } catch (error) {
          if (error instanceof McpError && refusalCodes.has(error.code)) {
            throw new ToolError(`The MCP server "${server.name}" refused the "${listed.name}" call: ${error.message.slice(0, 500)}`);
          }
          throw error;
        }
      }, context.signal);
      const { isError, value, text } = readMcpToolResult(result as CallToolResult);
      if (isError) throw new ToolError(`"${listed.name}" failed on the MCP server "${server.name}": ${text.slice(0, 500) || 'no reason given'}`);
      return value;
    },
  });
}

function approvalRuleOf(server: McpServerSettings, listed: Tool, name: string, policy: McpToolPolicy, warnings: string[]): ApprovalRule | undefined {
  if (policy.risk === 'read' || policy.approval === 'never') return undefined;
  const ruleName = `mcp-${server.name}-${listed.name}`;
  if (policy.approval === 'always') return { name: ruleName, tool: name, always: true };
  const property = (listed.inputSchema.properties as Record<string, { type?: unknown }> | undefined)?.[policy.approval.field];
  if (property?.type !== 'number' && property?.type !== 'integer') {
    // A threshold on a field the tool does not take would never trip: ask a person every time instead.
    warnings.push(`MCP server "${server.name}": tool "${listed.name}" has no numeric argument "${policy.approval.field}" for its approval threshold; every call needs approval`);
    return { name: ruleName, tool: name, always: true };
  }
  return { name: ruleName, tool: name, amountField: policy.approval.field, aboveCents: policy.approval.above };
}

/**
 * Objects left open (`additionalProperties: true` or `{}`, as loose schemas emit) are closed:
 * the model may send only the arguments the tool declares, which is stricter, never looser.
 */
function closeOpenObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeOpenObjects);
  if (typeof schema !== 'object' || schema === null) return schema;
  const { $schema: _schema, ...rest } = schema as Record<string, unknown>;
  const open = rest.additionalProperties === true || (typeof rest.additionalProperties === 'object' && rest.additionalProperties !== null && Object.keys(rest.additionalProperties).length === 0);
  const closed: Record<string, unknown> = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, key === 'properties'
    ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([property, inner]) => [property, closeOpenObjects(inner)]))
    : key === 'items' ? closeOpenObjects(value) : value]));
  if (open) closed.additionalProperties = false;
  if (closed.type === 'object' && closed.properties === undefined) closed.properties = {};
  return closed;
}

/** A server that could not be listed, and why. */
export interface UnlistedMcpServer {
  server: McpServerSettings;
  error: unknown;
}

/** The tools of every server that could be listed, and the servers that could not. */
export interface McpToolSources extends McpToolSource {
  unlisted: UnlistedMcpServer[];
}

/**
 * Every configured server's tools, each server listed once (concurrently). A server that cannot
 * be listed contributes no tools and is returned in `unlisted`, for the caller to retry (see
 * `retryMcpToolSources`): the service starts without it. A tool whose name is already taken (by
 * `reservedNames`, the domain's tools, or an earlier server's) is left out with a warning rather
 * than failing the registry.
 */
export async function loadMcpToolSources(servers: McpServerSettings[], options: { reservedNames?: Iterable<string> } = {}): Promise<McpToolSources> {
  const all: McpToolSources = { tools: [], approvalRules: [], warnings: [], unlisted: [] };
  const listings = await Promise.all(servers.map(async (server): Promise<{ server: McpServerSettings; source: McpToolSource } | UnlistedMcpServer> => {
    try {
      return { server, source: registerMcpTools(server, await listMcpTools(server)) };
    } catch (error) {
      return { server, error };
    }
  }));
  const taken = new Set(options.reservedNames ?? []);
  for (const listing of listings) {
    if (!('source' in listing)) {
      all.unlisted.push({ server: listing.server, error: listing.error });
      continue;
    }
    const admitted = admitMcpTools(listing.server, listing.source, (name) => taken.has(name));
    for (const tool of admitted.tools) taken.add(tool.name);
    all.tools.push(...admitted.tools);
    all.approvalRules.push(...admitted.approvalRules);
    all.warnings.push(...admitted.warnings);
  }
  return all;
}

/**
 * The tools of one listed server that may join a registry where `isTaken` names are already
 * registered, with their approval rules: one named like a registered tool is left out with a
 * warning (never shadowing it, never failing the registry). The same rule at start-up and for a
 * server listed later.
 */
export function admitMcpTools(server: McpServerSettings, source: McpToolSource, isTaken: (name: string) => boolean): McpToolSource {
  const admitted: McpToolSource = { tools: [], approvalRules: [], warnings: [...source.warnings] };
  for (const tool of source.tools) {
    if (isTaken(tool.name)) {
      admitted.warnings.push(`MCP server "${server.name}": tool "${tool.name}" is named like a tool already registered; left out (set tool_prefix)`);
      continue;
    }
    admitted.tools.push(tool);
    admitted.approvalRules.push(...source.approvalRules.filter((rule) => rule.tool === tool.name));
  }
  return admitted;
}
