import { logError } from '../observability/index.ts';
import type { RunAcceptance } from './redis-run-acceptance.ts';
import type { RedisRunQueue } from './redis-run-queue.ts';
import type { RunRecord } from './run-records.ts';

export interface QueueStatelessRunOptions {
  queue: Pick<RedisRunQueue, 'add'>;
  acceptance: RunAcceptance;
  run: RunRecord;
  /** Until when (ms since the epoch) the run may be accepted; later it is abandoned. */
  acceptBy: number;
  delayMs?: number;
  /** How long past `acceptBy` to keep waiting for the answer to `accept` (clock skew, a late reply). */
  marginMs: number;
  /** Called once the job is queued and before the run can start: publishes its first event. */
  announce: () => Promise<void>;
}

const retryMs = 100;

/**
 * Queue a stateless run on the shared queue and accept it, or abandon it: true only when the
 * creator may be told the run was accepted. A job queued too late, or whose acceptance went
 * unanswered, is left abandoned (or undecided, and abandoned by the worker after `acceptBy`),
 * so it never executes after its creator heard it failed.
 */
export async function queueStatelessRun(options: QueueStatelessRunOptions): Promise<boolean> {
  const { queue, acceptance, run, acceptBy } = options;
  const queued = await settlesWithin(
    queue.add(run.run_id, { tenantId: run.tenant_id, delayMs: options.delayMs, record: run, acceptBy }),
    acceptBy - Date.now(),
  );
  if (!queued) {
    abandon(acceptance, run.run_id, acceptBy);
    return false;
  }
  await options.announce();
  const decision = await acceptWithin(acceptance, run.run_id, acceptBy, acceptBy + options.marginMs);
  if (decision === undefined) abandon(acceptance, run.run_id, acceptBy);
  return decision === 'accepted';
}

/**
 * A worker's side: whether the job's stateless run was accepted, waiting while its creator has
 * not decided yet (at most until `acceptBy`, after which an undecided run is abandoned).
 */
export async function waitForAcceptance(acceptance: RunAcceptance, runId: string, acceptBy: number): Promise<boolean> {
  // The creator accepts a round trip or two after the job lands: ask again soon, then less often.
  for (let pauseMs = 2; ; pauseMs = Math.min(retryMs, pauseMs * 2)) {
    const decision = await acceptance.decision(runId, acceptBy);
    if (decision) return decision === 'accepted';
    await sleep(pauseMs);
  }
}

// Asked again until an answer arrives: retries queue behind the first on the same connection, so
// any answer tells what the first did; none by `giveUpAt` is in doubt (undefined).
async function acceptWithin(acceptance: RunAcceptance, runId: string, acceptBy: number, giveUpAt: number) {
  for (;;) {
    try {
      return await acceptance.accept(runId, acceptBy);
    } catch (error) {
      if (Date.now() >= giveUpAt) {
        logError(`run ${runId}: its acceptance went unanswered; it is abandoned`, error);
        return undefined;
      }
      await sleep(retryMs);
    }
  }
}

// Best effort: if it never lands, the worker abandons the undecided run after `acceptBy` itself.
function abandon(acceptance: RunAcceptance, runId: string, acceptBy: number) {
  void acceptance.abandon(runId, acceptBy).catch(() => undefined);
}

async function settlesWithin(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, timeoutMs))));
  try {
    return await Promise.race([work.then(() => true, (error: unknown) => {
      logError('a stateless run could not be queued:', error);
      return false;
    }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
