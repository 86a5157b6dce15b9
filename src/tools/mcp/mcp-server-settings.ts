import type { ToolRisk } from '../define-tool.ts';

/** When a call of an MCP tool needs a person: every call, never, or when a numeric argument is above a threshold. */
export type McpApproval = 'always' | 'never' | { field: string; above: number };

/** What the operator declares about one tool of an MCP server. */
export interface McpToolSettings {
  risk: ToolRisk;
  /** Scopes the caller must hold, on top of the server's own. */
  scopes?: string[];
  /** Default: `always` for irreversible tools, `never` otherwise (reads never need a person). */
  approval?: McpApproval;
  /** The tool has the same effect called twice; reads are idempotent whatever this says. Default false. */
  idempotent?: boolean;
}

/** One operator-configured MCP server (Streamable HTTP) whose tools become tools of the registry. */
export interface McpServerSettings {
  /** Names the server in tool names, logs and its circuit breaker. */
  name: string;
  url: string;
  /** Sent with every request (an `authorization` header, say). */
  headers?: Record<string, string>;
  /** Per call, connecting included. */
  timeoutMs: number;
  /** Put before each tool's name in the registry; defaults to `<name>_`. */
  toolPrefix?: string;
  /** Required of the caller for every tool of this server. */
  scopes?: string[];
  /** Declared tools, by the server's own tool name. */
  tools: Record<string, McpToolSettings>;
  /**
   * Tools the server lists that are not declared: `approve` registers them as irreversible, each
   * call needing a person (the safest way to offer them at all); `hide` leaves them out.
   */
  undeclaredTools: 'approve' | 'hide';
}

/** The policy one MCP tool runs under, declared or defaulted. */
export interface McpToolPolicy {
  risk: ToolRisk;
  scopes: string[];
  approval: McpApproval;
  idempotent: boolean;
  declared: boolean;
}

/**
 * The policy of `toolName` on `server`: what the operator declared, or for an undeclared tool
 * the safest one (irreversible, every call approved by a person). The server's own annotations
 * (`readOnlyHint`, `destructiveHint`) are claims of the party the rails guard against, so they
 * never lower a tool's risk. Undefined when undeclared tools are hidden.
 */
export function mcpToolPolicy(server: McpServerSettings, toolName: string): McpToolPolicy | undefined {
  const declared = Object.hasOwn(server.tools, toolName) ? server.tools[toolName] : undefined;
  if (declared === undefined) {
    if (server.undeclaredTools === 'hide') return undefined;
    return { risk: 'irreversible', scopes: [...(server.scopes ?? [])], approval: 'always', idempotent: false, declared: false };
  }
  return {
    risk: declared.risk,
    scopes: [...new Set([...(server.scopes ?? []), ...(declared.scopes ?? [])])],
    approval: declared.approval ?? (declared.risk === 'irreversible' ? 'always' : 'never'),
    idempotent: declared.risk === 'read' || declared.idempotent === true,
    declared: true,
  };
}
