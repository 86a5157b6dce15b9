import { traceToolCall, type ToolApprovalDecision, type ToolCallEnding, type ToolCallSpan } from '../observability/index.ts';
import { hashArguments } from './canonical-json.ts';
import type { ToolDefinition } from './define-tool.ts';
import type { DeferredActionQueue } from './deferred-actions.ts';
import { withLedgerFence, type EffectLedger } from './effect-ledger.ts';
import type { RunFence } from '../storage/index.ts';
import { executeWithResilience } from './execute-with-resilience.ts';
import type { InjectionFlag } from './guards/injection-flag.ts';
import { reconcileInDoubt, settleInDoubtFirst } from './reconcile-in-doubt.ts';
import type { Settlement } from './run-with-timeout.ts';
import { isToolError } from './tool-error.ts';
import { isToolAllowed, type ToolRegistry } from './tool-registry.ts';
import type { UpstreamBreakers } from './upstream-breakers.ts';
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
  /** Where the call happens; approvals and deferred actions record it. */
  threadId?: string;
  runId?: string;
  /** Input rail findings for this run (request and retrieved passages); guards tighten on them. */
  flags?: InjectionFlag[];
  /** Who the run acts for (an API key's name); approval requests record it with `scopes`. */
  actor?: string;
  /** A run without a thread cannot pause, so a call that needs approval is refused before anything is asked. */
  stateless?: boolean;
  /** The executing worker's claim on the run: its ledger claims are refused once another worker took the run over. */
  fence?: RunFence;
}

export type ToolCallOutcome =
  | { status: 'ok'; result: unknown; replayed: boolean; reconciled?: boolean }
  | { status: 'invalid'; issues: ToolArgumentIssue[] }
  | { status: 'unknown_tool'; message: string }
  /** `details`: what a policy rule said would be allowed, for the model to propose again. */
  | { status: 'forbidden'; message: string; details?: Record<string, unknown> }
  | { status: 'failed'; message: string; retryable: boolean }
  | { status: 'in_doubt'; message: string }
  /** The tool's upstream circuit is open; nothing ran. `queued` when the action was kept for later. */
  | { status: 'unavailable'; message: string; upstream: string; queued?: { id: string } };

/** What a guard sees: the call after validation, with the hash approvals bind to. */
export interface ToolGuardInput {
  call: ToolCallRequest;
  tool: ToolDefinition;
  args: unknown;
  argsHash: string;
  context: ToolCallContext;
  /** What earlier guards in the chain found (see `composeGuards`). */
  findings?: GuardFindings;
}

/** Passed down the guard chain: a policy rule's hold for a person, and the pre-action review for the approver. */
export interface GuardFindings {
  hold?: { policy: string; reason: string };
  review?: { verdict: string; reasons: string[]; facts?: unknown };
}

export type ToolGuardDecision =
  /** `args`: run with these instead (an approver's edit); they are validated and guarded again. */
  | { action: 'allow'; args?: unknown; findings?: GuardFindings; approval?: ToolApprovalDecision }
  /** `approval`: the person's decision the call was resumed with, for its `execute_tool` span. */
  | { action: 'refuse'; message: string; details?: Record<string, unknown>; approval?: ToolApprovalDecision };

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
  /** Circuit breakers shared per upstream; without them tools with `upstream` run unguarded. */
  breakers?: UpstreamBreakers;
  /** Where side effects go when their upstream is unavailable; without it they are only reported. */
  deferred?: DeferredActionQueue;
}

// An approver may edit arguments a few times; beyond that something is looping.
const maxGuardRounds = 5;

/**
 * Run one model tool call safely: look up, check scopes, validate, guard, claim the
 * idempotency key (non-read tools), settle an in-doubt earlier attempt, execute with the
 * tool's timeout, retry and circuit breaker, record the result. Business refusals and bad
 * arguments come back as outcomes for the model; ledger failures throw.
 * @example
 * const outcome = await runToolCall({ registry, ledger, call: toolCall, guard, breakers, deferred,
 *   context: { tenantId, scopes, threadId, idempotencyKey: deriveIdempotencyKey({ tenantId, threadId, toolCallId: toolCall.id }) } });
 */
export async function runToolCall(options: RunToolCallOptions): Promise<ToolCallOutcome> {
  const { call } = options;
  const tool = options.registry.get(call.name);
  // Traced as `execute_tool`: the guard's verdict and how the call ended (an approval wait ends it `held_for_approval`).
  return traceToolCall({ name: call.name, id: call.id, description: tool?.description, risk: tool?.risk, arguments: call.args }, async (span) => {
    const outcome = await runGuardedToolCall({ ...options, guard: options.guard && observedGuard(options.guard, span) });
    span.end(endingOf(outcome), outcome.status === 'ok' ? outcome.result : undefined);
    return outcome;
  });
}

function observedGuard(guard: ToolGuard, span: ToolCallSpan): ToolGuard {
  return async (input) => {
    const decision = await guard(input);
    span.guard(decision.action === 'refuse' ? 'refused' : 'allowed');
    if (decision.approval) span.approval(decision.approval);
    return decision;
  };
}

function endingOf(outcome: ToolCallOutcome): ToolCallEnding {
  switch (outcome.status) {
    case 'ok': return outcome.replayed ? 'replayed' : 'executed';
    case 'forbidden': return 'refused';
    case 'unavailable': return outcome.queued ? 'deferred' : 'unavailable';
    default: return outcome.status;
  }
}

async function runGuardedToolCall(options: RunToolCallOptions): Promise<ToolCallOutcome> {
  const { registry, call, context } = options;
  const ledger = withLedgerFence(options.ledger, context.fence);
  const tool = registry.get(call.name);
  if (tool === undefined) {
    const available = registry.list({ scopes: context.scopes }).map((candidate) => candidate.name);
    return { status: 'unknown_tool', message: `There is no tool named "${call.name}". Available tools: ${available.join(', ') || 'none'}.` };
  }
  if (!isToolAllowed(tool, context.scopes)) {
    const missing = tool.scopes.filter((scope) => !context.scopes.includes(scope));
    return { status: 'forbidden', message: `You are not allowed to call "${tool.name}" (missing scope: ${missing.join(', ')}).` };
  }

  let candidate = call.args;
  let args: unknown;
  let argsHash = '';
  for (let round = 1; ; round += 1) {
    const validation = validateToolArguments(tool, candidate);
    if (!validation.ok) return { status: 'invalid', issues: validation.issues };
    args = validation.value;
    argsHash = hashArguments(args);
    // Guards judge proposals, not history: a call the ledger already holds as done is replayed
    // as it was, even if the facts have moved on since (a full refund leaves nothing refundable).
    const earlier = tool.risk === 'read' ? undefined : await ledger.get(context.idempotencyKey);
    const same = earlier !== undefined && earlier.argsHash === argsHash && earlier.tenantId === context.tenantId;
    if (same && earlier.status === 'done') return { status: 'ok', result: earlier.result, replayed: true };
    // The same goes for an attempt whose worker died between `started` and `done`: in doubt is settled first.
    if (same && earlier.status === 'started') {
      const settled = await settleInDoubtFirst({
        tool, args, argsHash, ledger, context: { tenantId: context.tenantId, idempotencyKey: context.idempotencyKey }, startedAt: earlier.startedAt,
      });
      if (settled !== undefined) return settled;
    }
    if (!options.guard) break;
    const decision = await options.guard({ call, tool, args, argsHash, context });
    if (decision.action === 'refuse') {
      return { status: 'forbidden', message: decision.message, ...(decision.details ? { details: decision.details } : {}) };
    }
    if (decision.args === undefined) break;
    if (round === maxGuardRounds) return { status: 'forbidden', message: `"${tool.name}" was edited ${round} times without settling; it is not run.` };
    candidate = decision.args;
  }

  const recorded = tool.risk !== 'read';
  const key = context.idempotencyKey;
  const toolContext = { tenantId: context.tenantId, idempotencyKey: key };
  if (recorded) {
    const claim = await ledger.begin(key, { toolName: tool.name, argsHash, tenantId: context.tenantId });
    if (claim.state === 'done') return { status: 'ok', result: claim.result, replayed: true };
    if (claim.state === 'conflict') {
      return { status: 'failed', message: `This tool call id was already used for a different "${claim.record.toolName}" call; it is not run again.`, retryable: false };
    }
    if (claim.state === 'in_doubt') {
      const settled = await reconcileInDoubt({ tool, args, argsHash, ledger, context: toolContext, startedAt: claim.startedAt });
      if (settled !== 'released') return settled;
    }
  }

  const settlement = await executeWithResilience(tool, args, toolContext, { breakers: options.breakers, signal: context.signal });
  if (settlement.kind === 'unavailable') {
    if (recorded) await ledger.fail(key, `upstream "${settlement.upstream}" unavailable`);
    const message = `The "${settlement.upstream}" service is unavailable right now, so "${tool.name}" was not run.`;
    if (!recorded || options.deferred === undefined) return { status: 'unavailable', message, upstream: settlement.upstream };
    const queued = await options.deferred.enqueue({
      tenantId: context.tenantId, threadId: context.threadId, toolName: tool.name, args, argsHash,
      idempotencyKey: key, scopes: context.scopes, reason: message,
    });
    return { status: 'unavailable', upstream: settlement.upstream, queued: { id: queued.id }, message: `${message} It is queued (${queued.id}) and will run once the service is back; tell the user it is pending.` };
  }
  return settle(tool, settlement, { ledger, key, recorded });
}

async function settle(
  tool: ToolDefinition,
  settlement: Settlement<unknown>,
  { ledger, key, recorded }: { ledger: EffectLedger; key: string; recorded: boolean },
): Promise<ToolCallOutcome> {
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
