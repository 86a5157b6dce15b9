import type { ToolContext, ToolDefinition } from './define-tool.ts';
import type { EffectLedger } from './effect-ledger.ts';

export interface ReconcileInDoubtInput {
  tool: ToolDefinition;
  args: unknown;
  argsHash: string;
  ledger: EffectLedger;
  context: Omit<ToolContext, 'signal'>;
  startedAt: string;
}

type InDoubtSettlement =
  | { status: 'ok'; result: unknown; replayed: true; reconciled: true }
  | { status: 'in_doubt'; message: string }
  /** The earlier attempt left no effect; the key is claimed again and the caller may run the tool. */
  | 'released';

/**
 * Settle a call the ledger saw start but never finish (a crash between `started` and
 * `done`) by asking the tool itself whether the effect exists. Found: record it as done and
 * replay it. Not found: release the key and claim it again so the call runs once. A tool
 * without `reconcile` leaves the entry for a human.
 */
export async function reconcileInDoubt(input: ReconcileInDoubtInput): Promise<InDoubtSettlement> {
  const { tool, ledger, context } = input;
  const earlier = await earlierEffect(input);
  if (earlier !== undefined) return earlier;
  await ledger.fail(context.idempotencyKey, 'reconciled: the earlier attempt left no effect');
  const again = await ledger.begin(context.idempotencyKey, { toolName: tool.name, argsHash: input.argsHash, tenantId: context.tenantId });
  if (again.state === 'new') return 'released';
  if (again.state === 'done') return { status: 'ok', result: again.result, replayed: true, reconciled: true };
  // Someone else claimed it between our release and our claim: they run it, we do not.
  return { status: 'in_doubt', message: `Another attempt of "${tool.name}" is in progress; it is not started twice.` };
}

/**
 * The first half of `reconcileInDoubt`, run before the guards judge a call whose earlier attempt
 * started and never finished (its worker died): the guards would judge the world that attempt
 * may have changed (a refund that went through leaves nothing to refund) and refuse the very call
 * that made it. Found: recorded as done and replayed. No `reconcile`: in doubt. Not found:
 * undefined, and the call goes on to its guards and its claim, which settles the doubt again.
 */
export async function settleInDoubtFirst(input: ReconcileInDoubtInput): Promise<Exclude<InDoubtSettlement, 'released'> | undefined> {
  return earlierEffect(input);
}

async function earlierEffect(input: ReconcileInDoubtInput): Promise<Exclude<InDoubtSettlement, 'released'> | undefined> {
  const { tool, args, ledger, context } = input;
  if (tool.reconcile === undefined) {
    return { status: 'in_doubt', message: `An earlier attempt of "${tool.name}" started at ${input.startedAt} and has no recorded result; it is not repeated until someone checks whether it took effect.` };
  }
  const found = await tool.reconcile(args, context);
  if (!found.found) return undefined;
  await ledger.complete(context.idempotencyKey, found.result);
  return { status: 'ok', result: JSON.parse(JSON.stringify(found.result ?? null)), replayed: true, reconciled: true };
}
