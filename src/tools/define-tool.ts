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

/** How a transient failure (thrown error, timeout, upstream 5xx) is retried. */
export interface ToolRetryPolicy {
  /** Total attempts, the first included; 1 means no retry. */
  attempts: number;
  /** Delay before the first retry, doubled each time up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

/** What a tool's own lookup found for a call whose outcome the effect ledger does not know. */
export type ReconcileResult = { found: true; result: unknown } | { found: false };

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
  retry: ToolRetryPolicy;
  /** Calls to the same upstream share one circuit breaker. */
  upstream?: string;
  execute(args: Input, context: ToolContext): Promise<Output>;
  /**
   * Find out whether an earlier attempt with this idempotency key took effect (for example
   * a row carrying the key). Lets a call left `started` by a crash be settled without a human.
   */
  reconcile?(args: Input, context: ToolContext): Promise<ReconcileResult>;
}

/** What `defineTool` accepts: a definition whose policy fields may be left to their defaults. */
export interface ToolSpec<Input, Output>
  extends Omit<ToolDefinition<Input, Output>, 'scopes' | 'idempotent' | 'timeoutMs' | 'retry'> {
  scopes?: string[];
  idempotent?: boolean;
  timeoutMs?: number;
  retry?: Partial<ToolRetryPolicy>;
}

export const defaultToolTimeoutMs = 10_000;

export const noRetry: ToolRetryPolicy = { attempts: 1, initialDelayMs: 100, maxDelayMs: 2_000 };

// OpenAI and most providers accept only these characters in function names.
const toolNamePattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Declare a tool with a strict zod input schema. Defaults: no scopes, idempotent only
 * for reads, a 10 second timeout, no retry. Retries are refused for tools that are
 * neither reads nor idempotent, since repeating them could repeat the effect.
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
  const idempotent = spec.idempotent ?? spec.risk === 'read';
  const retry = { ...noRetry, ...spec.retry };
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1 || retry.attempts > 10) {
    throw new TypeError(`Tool "${spec.name}" needs retry.attempts between 1 and 10`);
  }
  if (retry.initialDelayMs < 0 || retry.maxDelayMs < retry.initialDelayMs) {
    throw new TypeError(`Tool "${spec.name}" needs 0 <= retry.initialDelayMs <= retry.maxDelayMs`);
  }
  if (retry.attempts > 1 && !idempotent) {
    throw new TypeError(`Tool "${spec.name}" may not retry: it is neither a read nor idempotent`);
  }
  return { ...spec, scopes: [...(spec.scopes ?? [])], idempotent, timeoutMs, retry };
}
