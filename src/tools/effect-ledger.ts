import type { RunFence } from '../storage/index.ts';

/**
 * The record of side effects that makes tool calls exactly-once: `started` is written
 * before a non-read tool runs and `done` with its result after, under an idempotency key
 * that stays the same when a run is retried or resumed.
 */
export type EffectStatus = 'started' | 'done' | 'failed';

export interface EffectRecord {
  idempotencyKey: string;
  tenantId: string;
  toolName: string;
  argsHash: string;
  status: EffectStatus;
  /** The tool's result once `done`. */
  result?: unknown;
  /** Why the last attempt failed, once `failed`. */
  errorMessage?: string;
  attempts: number;
  startedAt: string;
  finishedAt?: string;
}

export interface EffectClaimRequest {
  toolName: string;
  argsHash: string;
  tenantId: string;
  /** The claim of the worker executing the run: a ledger shared by workers refuses a stale one (`RUN_FENCED`). */
  fence?: RunFence;
}

export type EffectClaim =
  /** The caller now owns the key and must call `complete` or `fail`. */
  | { state: 'new' }
  /** The effect already happened; this is what it returned. */
  | { state: 'done'; result: unknown }
  /** An earlier attempt started and never finished (in progress elsewhere, or crashed). */
  | { state: 'in_doubt'; startedAt: string }
  /** The key was already used for another tool, other arguments or another tenant. */
  | { state: 'conflict'; record: EffectRecord };

export interface EffectLedger {
  /** Atomically claim `key`: insert `started` if absent, or re-claim it after a failed attempt. */
  begin(key: string, request: EffectClaimRequest): Promise<EffectClaim>;
  /** Record the result of a claimed key. */
  complete(key: string, result: unknown, fence?: RunFence): Promise<void>;
  /** Record that the claimed attempt changed nothing; the key may be claimed again. */
  fail(key: string, message: string, fence?: RunFence): Promise<void>;
  get(key: string): Promise<EffectRecord | undefined>;
}

/** The ledger with every claim and outcome carrying `fence`, for one run's tool calls. */
export function withLedgerFence(ledger: EffectLedger, fence: RunFence | undefined): EffectLedger {
  if (!fence) return ledger;
  return {
    begin: (key, request) => ledger.begin(key, { ...request, fence }),
    complete: (key, result) => ledger.complete(key, result, fence),
    fail: (key, message) => ledger.fail(key, message, fence),
    get: (key) => ledger.get(key),
  };
}
