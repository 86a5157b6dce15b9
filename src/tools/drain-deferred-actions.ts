import type { DeferredAction, DeferredActionQueue } from './deferred-actions.ts';
import type { EffectLedger } from './effect-ledger.ts';
import { runToolCall, type ToolCallOutcome } from './run-tool-call.ts';
import type { ToolRegistry } from './tool-registry.ts';
import type { UpstreamBreakers } from './upstream-breakers.ts';

export interface DrainDeferredActionsOptions {
  queue: DeferredActionQueue;
  registry: ToolRegistry;
  ledger: EffectLedger;
  breakers?: UpstreamBreakers;
  /** Only this tenant's actions; all tenants when absent. */
  tenantId?: string;
}

export interface DrainedAction {
  action: DeferredAction;
  outcome: ToolCallOutcome;
}

/**
 * Run queued actions whose upstream was unavailable, oldest first, each under its original
 * idempotency key (so an action that did reach the upstream is replayed, never repeated).
 * Actions whose upstream is still unavailable stay pending; the rest are settled. They were
 * validated and guarded (approved, when needed) before they were queued, so no guard runs here.
 * @example const drained = await drainDeferredActions({ queue, registry, ledger, breakers });
 */
export async function drainDeferredActions(options: DrainDeferredActionsOptions): Promise<DrainedAction[]> {
  const drained: DrainedAction[] = [];
  for (const action of await options.queue.listPending(options.tenantId)) {
    const outcome = await runToolCall({
      registry: options.registry,
      ledger: options.ledger,
      breakers: options.breakers,
      call: { id: action.id, name: action.toolName, args: action.args },
      context: { tenantId: action.tenantId, scopes: action.scopes, idempotencyKey: action.idempotencyKey, ...(action.threadId ? { threadId: action.threadId } : {}) },
    });
    if (outcome.status === 'unavailable') {
      drained.push({ action, outcome });
      continue;
    }
    const settledAs = outcome.status === 'ok' ? 'done' : 'failed';
    await options.queue.settle(action.id, settledAs, outcome.status === 'ok' ? undefined : describe(outcome));
    drained.push({ action: (await options.queue.get(action.id))!, outcome });
  }
  return drained;
}

function describe(outcome: ToolCallOutcome): string {
  if (outcome.status === 'invalid') return outcome.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
  return 'message' in outcome ? `${outcome.status}: ${outcome.message}` : outcome.status;
}
