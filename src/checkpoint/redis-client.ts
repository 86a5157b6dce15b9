import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';

/**
 * Client options we recommend for a checkpointer connection. ioredis defaults wait
 * forever: a hung server (no reply) blocks a run indefinitely, and while disconnected
 * each command is retried 20 times before it fails. A graph run should instead fail
 * fast with STORAGE_ERROR, and the connection should heal by itself.
 */
export const recommendedRedisOptions = {
  // A hung or partitioned server fails the call instead of blocking the run.
  commandTimeout: 2_000,
  connectTimeout: 5_000,
  // While disconnected, a command waits for one reconnect attempt, then fails.
  maxRetriesPerRequest: 1,
  // Keep the queue so commands issued during startup or a short blip still go out;
  // commandTimeout and maxRetriesPerRequest bound how long they can wait.
  enableOfflineQueue: true,
  // Reconnect forever with capped backoff so the service recovers when Redis returns.
  retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 2_000),
  // After a failover the old primary turns replica; reconnect and resend the command.
  reconnectOnError: (error: Error) => (error.message.startsWith('READONLY') ? 2 : false),
  keepAlive: 10_000,
  connectionName: 'overseer-checkpoints',
} satisfies RedisOptions;

/**
 * An ioredis client with the recommended timeouts for the checkpointer.
 *
 * @example
 * const client = createRedisClient(config.REDIS_URL);
 * const checkpointer = new RedisCheckpointSaver({ client });
 */
export function createRedisClient(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { ...recommendedRedisOptions, ...options });
}
