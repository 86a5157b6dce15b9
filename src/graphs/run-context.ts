import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { ToolRegistry } from '../tools/index.ts';

export interface RunContext {
  tenantId: string;
  /** Scopes the caller holds; with none configured (embedded, open mode) every tool's scopes. */
  scopes: string[];
  /** Thread the run belongs to; stateless runs fall back to the run id so keys stay unique. */
  threadId: string;
  runId?: string;
  /** Who the run acts for (the API key's name, or the requester when an approval resumed it). */
  actor?: string;
  /** A run on a temporary thread, which cannot pause for an interrupt. */
  stateless: boolean;
}

export const defaultTenantId = 'default';

/** Who is asking and where, read from `config.configurable` as the run manager sets it. */
export function readRunContext(config: LangGraphRunnableConfig | undefined, tools?: ToolRegistry): RunContext {
  const configurable = (config?.configurable ?? {}) as Record<string, unknown>;
  const scopes = Array.isArray(configurable.scopes)
    ? configurable.scopes.filter((scope): scope is string => typeof scope === 'string')
    : allScopesOf(tools);
  const runId = typeof configurable.run_id === 'string' ? configurable.run_id : config?.runId;
  return {
    tenantId: typeof configurable.tenant_id === 'string' ? configurable.tenant_id : defaultTenantId,
    scopes,
    threadId: typeof configurable.thread_id === 'string' ? configurable.thread_id : (runId ?? 'stateless'),
    runId,
    ...(typeof configurable.actor === 'string' ? { actor: configurable.actor } : {}),
    stateless: configurable.stateless === true,
  };
}

// Open mode grants every scope the registry declares. A registry only grows (an MCP server
// listed late adds tools), so its size tells whether the scopes computed last still hold.
const scopesByRegistry = new WeakMap<ToolRegistry, { size: number; scopes: string[] }>();
function allScopesOf(tools: ToolRegistry | undefined): string[] {
  if (!tools) return [];
  const listed = tools.list();
  let cached = scopesByRegistry.get(tools);
  if (cached?.size !== listed.length) {
    cached = { size: listed.length, scopes: [...new Set(listed.flatMap((tool) => tool.scopes))] };
    scopesByRegistry.set(tools, cached);
  }
  return cached.scopes;
}
