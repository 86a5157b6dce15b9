import { setTimeout as sleep } from 'node:timers/promises';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ExponentialBackoff, halfJitterGenerator, type IBackoff, type IBackoffFactory } from 'cockatiel';
import type { Logger } from '../../observability/index.ts';
import type { ApprovalRule } from '../approvals/index.ts';
import { isToolError } from '../tool-error.ts';
import type { ToolRegistry } from '../tool-registry.ts';
import { listMcpTools } from './list-mcp-tools.ts';
import type { McpServerSettings } from './mcp-server-settings.ts';
import { admitMcpTools, registerMcpTools, type UnlistedMcpServer } from './register-mcp-tools.ts';
import { describeConnectError } from './with-mcp-client.ts';

/** Whether a configured MCP server's tools are in the registry, or it is still being retried. */
export interface McpServerState {
  name: string;
  /** `failed`: it listed, but its tools could not join the registry (see the log); not retried. */
  state: 'listed' | 'retrying' | 'failed';
  /** Listing attempts so far, the one at start-up included. */
  attempts: number;
  /** Its tools in the registry. */
  tools: number;
  /** Why the last attempt failed, in a few words (unless listed). */
  lastError?: string;
}

export interface McpToolSourceRetries {
  states(): McpServerState[];
  /** Stop retrying: resolves once no attempt is in flight and no timer is left. */
  close(): Promise<void>;
}

export interface RetryMcpToolSourcesOptions {
  /** Where a server's tools join once it lists; the approval rules join `approvalRules` just before. */
  registry: ToolRegistry;
  /** The live list the executor's approval policy reads (`ExecutionSafety.approvalRules`). */
  approvalRules: ApprovalRule[];
  logger: Logger;
  /** Pauses between attempts (default: 1 s doubling to 60 s, each somewhere in its upper half). */
  backoff?: IBackoffFactory<unknown>;
}

// Each failure logs one line; a warning only for the first and every tenth, the rest at debug.
const warnEvery = 10;

/**
 * Keep listing the MCP servers that could not be listed at start-up (compose and Kubernetes start
 * them in any order), with capped exponential backoff and jitter, until each lists or `close()`.
 * A server that lists gets the same treatment as one listed at start-up (`registerMcpTools`,
 * `admitMcpTools` against what the registry holds by then): its approval rules join first, then its
 * tools, so no call can find a tool without its rule. The executor offers them from its next turn.
 * @example const retries = retryMcpToolSources(config.mcpServers, sources.unlisted, { registry, approvalRules, logger });
 */
export function retryMcpToolSources(servers: McpServerSettings[], unlisted: UnlistedMcpServer[], options: RetryMcpToolSourcesOptions): McpToolSourceRetries {
  const { registry, approvalRules, logger } = options;
  const backoff = options.backoff ?? new ExponentialBackoff({ initialDelay: 1_000, maxDelay: 60_000, generator: halfJitterGenerator });
  const stopping = new AbortController();
  // Servers listed at start-up have no entry: listed on attempt 1.
  const states = new Map<string, Omit<McpServerState, 'name' | 'tools'>>();

  function failed(server: McpServerSettings, attempts: number, error: unknown, next: IBackoff<unknown>): void {
    const reason = reasonOf(error);
    states.set(server.name, { state: 'retrying', attempts, lastError: reason });
    const fields = { mcp: server.name, attempt: attempts, retryInMs: Math.round(next.duration) };
    const message = `MCP server "${server.name}" (${server.url}) could not be listed (attempt ${attempts}: ${reason}); its tools join when it lists, next try in ${(next.duration / 1_000).toFixed(1)} s`;
    if (attempts === 1 || attempts % warnEvery === 0) logger.warn(fields, message);
    else logger.debug(fields, message);
  }

  function join(server: McpServerSettings, attempts: number, listed: Tool[]): void {
    const admitted = admitMcpTools(server, registerMcpTools(server, listed), (name) => registry.get(name) !== undefined);
    for (const warning of admitted.warnings) logger.warn({ mcp: server.name }, warning);
    const rulesBefore = approvalRules.length;
    approvalRules.push(...admitted.approvalRules);
    try {
      registry.add(admitted.tools);
    } catch (error) {
      // All or none: without its tools, the server's rules go too. Listing again would list the same.
      approvalRules.splice(rulesBefore);
      const reason = error instanceof Error ? error.message : String(error);
      states.set(server.name, { state: 'failed', attempts, lastError: reason.slice(0, 200) });
      logger.error({ mcp: server.name, attempt: attempts }, `MCP server "${server.name}" listed, but its tools could not join the registry: ${reason}`);
      return;
    }
    states.set(server.name, { state: 'listed', attempts });
    const names = admitted.tools.map((tool) => tool.name).join(', ') || 'none';
    logger.info({ mcp: server.name, attempt: attempts, tools: admitted.tools.length }, `MCP server "${server.name}" listed on attempt ${attempts}; its tools joined the registry: ${names}`);
  }

  async function retry({ server, error }: UnlistedMcpServer): Promise<void> {
    let attempts = 1;
    let next = backoff.next(undefined);
    failed(server, attempts, error, next);
    while (!stopping.signal.aborted) {
      let listed: Tool[];
      try {
        await sleep(next.duration, undefined, { signal: stopping.signal });
        attempts += 1;
        listed = await listMcpTools(server, stopping.signal);
      } catch (attemptError) {
        if (stopping.signal.aborted) return;
        next = next.next(undefined);
        failed(server, attempts, attemptError, next);
        continue;
      }
      if (stopping.signal.aborted) return;
      join(server, attempts, listed);
      return;
    }
  }

  const loops = unlisted.map((entry) => retry(entry).catch((error: unknown) => {
    // A listing registerMcpTools could not read: nothing joined, and listing again would read the same.
    states.set(entry.server.name, { state: 'failed', attempts: states.get(entry.server.name)?.attempts ?? 1, lastError: reasonOf(error) });
    logger.error({ mcp: entry.server.name }, `MCP server "${entry.server.name}": its tools could not be registered: ${reasonOf(error)}`);
  }));

  return {
    states: () => servers.map((server) => ({
      name: server.name,
      ...(states.get(server.name) ?? { state: 'listed', attempts: 1 }),
      tools: registry.list().filter((tool) => tool.upstream === `mcp:${server.name}`).length,
    })),
    async close() {
      stopping.abort();
      await Promise.all(loops);
    },
  };
}

// A connection failure already reads well ("could not be reached (connection refused)"); others in a few words.
function reasonOf(error: unknown): string {
  return isToolError(error) ? error.message.slice(0, 200) : describeConnectError(error);
}
