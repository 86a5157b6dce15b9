import { hashArguments } from './canonical-json.ts';
import type { ToolDefinition } from './define-tool.ts';
import type { EffectLedger } from './effect-ledger.ts';
import { runWithTimeout } from './run-with-timeout.ts';
import { isToolError } from './tool-error.ts';
import { isToolAllowed, type ToolRegistry } from './tool-registry.ts';
import { validateToolArguments, type ToolArgumentIssue } from './validate-tool-arguments.ts';

/** A tool call as a model emitted it. */
export interface ToolCallRequest {
  id: string;
  name: string;
  args: unknown;
}

export interface ToolCallContext {
  tenantId: string;
  /** What the caller is allowed to do; a tool runs only if all its scopes are here. */
  scopes: string[];
  /** Derived by the executor from (thread, tool call id); the same on every retry and resume. */
  idempotencyKey: string;
  signal?: AbortSignal;
}

export type ToolCallOutcome =
  | { status: 'ok'; result: unknown; replayed: boolean }
  | { status: 'invalid'; issues: ToolArgumentIssue[] }
  | { status: 'unknown_tool'; message: string }
  | { status: 'forbidden'; message: string }
  | { status: 'failed'; message: string; retryable: boolean }
  | { status: 'in_doubt'; message: string };

/** What a guard sees: the call after validation, with the hash approvals bind to. */
export interface ToolGuardInput {
  call: ToolCallRequest;
  tool: ToolDefinition;
  args: unknown;
  argsHash: string;
  context: ToolCallContext;
}

export type ToolGuardDecision = { action: 'allow' } | { action: 'refuse'; message: string };

/**
 * The seam for guard rails and approvals: runs after validation and before the ledger
 * claim. It may refuse, or throw (a LangGraph `interrupt` for an approval), which
 * propagates unchanged because nothing has been claimed or executed yet.
 */
export type ToolGuard = (input: ToolGuardInput) => Promise<ToolGuardDecision>;

export interface RunToolCallOptions {
  registry: ToolRegistry;
  ledger: EffectLedger;
  call: ToolCallRequest;
  context: ToolCallContext;
  guard?: ToolGuard;
}

/**
 * Run one model tool call safely: look up, check scopes, validate, guard, claim the
 * idempotency key (non-read tools), execute with the tool's timeout, record the result.
 * Business refusals and bad arguments come back as outcomes for the model; ledger
 * failures throw, since they are infrastructure faults.
 * @example
 * const outcome = await runToolCall({ registry, ledger, call: toolCall,
 *   context: { tenantId, scopes, idempotencyKey: deriveIdempotencyKey({ tenantId, threadId, toolCallId: toolCall.id }) } });
 */
export async function runToolCall(options: RunToolCallOptions): Promise<ToolCallOutcome> {
  const { registry, ledger, call, context } = options;
  const tool = registry.get(call.name);
  if (tool === undefined) {
    const available = registry.list({ scopes: context.scopes }).map((candidate) => candidate.name);
    return { status: 'unknown_tool', message: `There is no tool named "${call.name}". Available tools: ${available.join(', ') || 'none'}.` };
  }
  if (!isToolAllowed(tool, context.scopes)) {
    const missing = tool.scopes.filter((scope) => !context.scopes.includes(scope));
    return { status: 'forbidden', message: `You are not allowed to call "${tool.name}" (missing scope: ${missing.join(', ')}).` };
  }
  const validation = validateToolArguments(tool, call.args);
  if (!validation.ok) return { status: 'invalid', issues: validation.issues };
  const args = validation.value;
  const argsHash = hashArguments(args);

  if (options.guard) {
    const decision = await options.guard({ call, tool, args, argsHash, context });
    if (decision.action === 'refuse') return { status: 'forbidden', message: decision.message };
  }

  const recorded = tool.risk !== 'read';
  const key = context.idempotencyKey;
  if (recorded) {
    const claim = await ledger.begin(key, { toolName: tool.name, argsHash, tenantId: context.tenantId });
    if (claim.state === 'done') return { status: 'ok', result: claim.result, replayed: true };
    if (claim.state === 'in_doubt') {
      return { status: 'in_doubt', message: `An earlier attempt of "${tool.name}" started at ${claim.startedAt} and has no recorded result; it is not repeated until someone checks whether it took effect.` };
    }
    if (claim.state === 'conflict') {
      return { status: 'failed', message: `This tool call id was already used for a different "${claim.record.toolName}" call; it is not run again.`, retryable: false };
    }
  }

  const settlement = await runWithTimeout(
    (signal) => tool.execute(args, { tenantId: context.tenantId, idempotencyKey: key, signal }),
    { timeoutMs: tool.timeoutMs, signal: context.signal },
  );

  if (settlement.kind === 'resolved') {
    if (!recorded) return { status: 'ok', result: settlement.value, replayed: false };
    await ledger.complete(key, settlement.value);
    // The JSON form, so a first run and its later replays hand back identical values.
    return { status: 'ok', result: JSON.parse(JSON.stringify(settlement.value ?? null)), replayed: false };
  }
  if (settlement.kind === 'rejected' && isToolError(settlement.error)) {
    // A ToolError promises nothing changed, so the claim is released.
    if (recorded) await ledger.fail(key, settlement.error.message);
    return { status: 'failed', message: settlement.error.message, retryable: false };
  }

  if (settlement.kind === 'aborted' && !settlement.started) {
    if (recorded) await ledger.fail(key, 'cancelled before it started');
    return { status: 'failed', message: `"${tool.name}" was cancelled before it started.`, retryable: true };
  }
  const what = settlement.kind === 'aborted'
    ? (settlement.reason === 'timeout' ? `timed out after ${tool.timeoutMs} ms` : 'was cancelled')
    : 'failed unexpectedly';
  if (recorded && !tool.idempotent) {
    // The effect may or may not have happened: keep the claim so no retry repeats it blindly.
    if (settlement.kind === 'aborted') recordLateSettlement(ledger, key, settlement.pending);
    return { status: 'in_doubt', message: `"${tool.name}" ${what}; whether it took effect is unknown, so it must not be repeated until that is checked.` };
  }
  if (recorded) await ledger.fail(key, settlement.kind === 'rejected' ? describeError(settlement.error) : what);
  return { status: 'failed', message: `"${tool.name}" ${what}.`, retryable: true };
}

/** A tool that finishes after we stopped waiting still settles the doubt it left behind. */
function recordLateSettlement(ledger: EffectLedger, key: string, pending: Promise<unknown>): void {
  pending.then(
    (result) => ledger.complete(key, result),
    (error: unknown) => (isToolError(error) ? ledger.fail(key, error.message) : undefined),
  ).catch(() => {
    // Recording failed too: the entry stays `started`, which is the safe state to be stuck in.
  });
}

// For operators reading the ledger, never for the model.
function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 500);
}
