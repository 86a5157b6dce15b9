import type { z } from 'zod';

/** How much harm a call can do: reads change nothing, writes can be undone, irreversible ones cannot. */
export type ToolRisk = 'read' | 'write' | 'irreversible';

/** What a tool learns about the call it serves, besides its validated arguments. */
export interface ToolContext {
  tenantId: string;
  /** Stable across retries and resumes of the same tool call; upstreams may use it for deduplication. */
  idempotencyKey: string;
  /** Aborted on timeout or cancellation; long-running tools should stop when it fires. */
  signal?: AbortSignal;
}

export interface ToolDefinition<Input = any, Output = any> {
  name: string;
  description: string;
  input: z.ZodType<Input>;
  output?: z.ZodType<Output>;
  risk: ToolRisk;
  /** Every scope listed here must be held by the caller. */
  scopes: string[];
  /** Calling twice with the same arguments has the same effect as calling once. */
  idempotent: boolean;
  timeoutMs: number;
  execute(args: Input, context: ToolContext): Promise<Output>;
}

/** What `defineTool` accepts: a definition whose policy fields may be left to their defaults. */
export interface ToolSpec<Input, Output>
  extends Omit<ToolDefinition<Input, Output>, 'scopes' | 'idempotent' | 'timeoutMs'> {
  scopes?: string[];
  idempotent?: boolean;
  timeoutMs?: number;
}

export const defaultToolTimeoutMs = 10_000;

// OpenAI and most providers accept only these characters in function names.
const toolNamePattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Declare a tool with a strict zod input schema. Defaults: no scopes, idempotent only
 * for reads, a 10 second timeout.
 * @example
 * const echo = defineTool({
 *   name: 'echo', description: 'Echo a message', risk: 'read',
 *   input: z.strictObject({ message: z.string().max(200) }),
 *   async execute({ message }) { return { message }; },
 * });
 */
export function defineTool<Input, Output>(spec: ToolSpec<Input, Output>): ToolDefinition<Input, Output> {
  if (!toolNamePattern.test(spec.name)) {
    throw new TypeError(`Tool name "${spec.name}" must be 1-64 letters, digits, "_" or "-"`);
  }
  const timeoutMs = spec.timeoutMs ?? defaultToolTimeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`Tool "${spec.name}" needs a positive integer timeoutMs`);
  }
  return {
    ...spec,
    scopes: [...(spec.scopes ?? [])],
    idempotent: spec.idempotent ?? spec.risk === 'read',
    timeoutMs,
  };
}
