import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError, guardStorageAsync } from '../errors.ts';
import type { RunFence } from '../storage/index.ts';

export type CancelAction = 'interrupt' | 'rollback';

export interface RedisRunClaimsOptions {
  /** Commands (not in subscriber mode). */
  client: Redis;
  /** A connection of its own for SUBSCRIBE: a subscribed connection takes no other commands. */
  subscriber: Redis;
  /** e.g. `overseer:`; keys are `<prefix>run-fence:{<run>}`, `<prefix>run-cancel:{<run>}`, `<prefix>thread-lock:…`. */
  keyPrefix: string;
  /** How long a thread lock lasts if its holder dies while holding it. */
  lockTtlMs?: number;
}

/**
 * What workers and API processes share about runs beyond their records: the fence (a per-run
 * counter INCRed by every claim, so a worker's claim is current exactly while no later claim
 * exists), the durable cancel flag plus the pub/sub message that wakes the executing worker,
 * and the per-thread lock under which multitask strategies decide.
 */
export interface RunClaims {
  /** Claim the run: a fence with a token larger than any earlier claim's. */
  claim(runId: string): Promise<RunFence>;
  /** Whether `fence` is still the run's latest claim. */
  isCurrent(fence: RunFence): Promise<boolean>;
  /** Record the request (durable, for a worker that claims the run later) and tell the worker executing it now. */
  requestCancel(runId: string, action: CancelAction): Promise<void>;
  cancelRequested(runId: string): Promise<CancelAction | undefined>;
  /** Calls `listener` on every cancel request any process makes, until the returned function is called. */
  onCancel(listener: (runId: string, action: CancelAction) => void): Promise<() => void>;
  /** `work` while holding the thread's lock (SET NX PX with a token; released only by its holder). */
  withThreadLock<T>(key: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const dayInSeconds = 86_400;

/** A run's fence key: INCRed by every claim, so it exists once any worker claimed the run. */
export function runFenceKey(keyPrefix: string, runId: string): string {
  return `${keyPrefix}run-fence:{${encodeURIComponent(runId)}}`;
}
// Compare-and-delete: a lock whose TTL ran out and was taken by another process is not ours to delete.
const releaseScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export function createRedisRunClaims(options: RedisRunClaimsOptions): RunClaims {
  const { client, subscriber, keyPrefix } = options;
  const lockTtlMs = options.lockTtlMs ?? 10_000;
  const fenceKey = (runId: string) => runFenceKey(keyPrefix, runId);
  const cancelKey = (runId: string) => `${keyPrefix}run-cancel:{${encodeURIComponent(runId)}}`;
  const cancelChannel = `${keyPrefix}run-cancel`;
  const listeners = new Set<(runId: string, action: CancelAction) => void>();
  let subscribed: Promise<unknown> | undefined;

  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== cancelChannel) return;
    const { runId, action } = JSON.parse(message) as { runId: string; action: CancelAction };
    for (const listener of listeners) listener(runId, action);
  });

  return {
    async claim(runId) {
      const key = fenceKey(runId);
      const [[, token]] = (await client.multi().incr(key).expire(key, 7 * dayInSeconds).exec()) as [[Error | null, number]];
      return { key, token };
    },
    async isCurrent(fence) {
      return (await client.get(fence.key)) === String(fence.token);
    },
    async requestCancel(runId, action) {
      await client.multi().set(cancelKey(runId), action, 'EX', dayInSeconds).publish(cancelChannel, JSON.stringify({ runId, action })).exec();
    },
    async cancelRequested(runId) {
      return ((await client.get(cancelKey(runId))) as CancelAction | null) ?? undefined;
    },
    async onCancel(listener) {
      listeners.add(listener);
      subscribed ??= subscriber.subscribe(cancelChannel);
      await subscribed;
      return () => listeners.delete(listener);
    },
    async withThreadLock(key, work) {
      const lockKey = `${keyPrefix}thread-lock:${key}`;
      const token = randomUUID();
      const deadline = Date.now() + lockTtlMs;
      let delay = 5;
      // Redis gone or hanging is an outage (503), as for the run store the work behind the lock reads.
      const acquire = () => guardStorageAsync('Run store unavailable', () => client.set(lockKey, token, 'PX', lockTtlMs, 'NX'));
      while ((await acquire()) !== 'OK') {
        if (Date.now() > deadline) throw new AppError('CONFLICT', 'The thread is busy deciding another run; retry');
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 100);
      }
      try {
        return await work();
      } finally {
        await client.eval(releaseScript, 1, lockKey, token).catch(() => undefined);
      }
    },
    async close() {
      listeners.clear();
      subscriber.disconnect();
    },
  };
}
