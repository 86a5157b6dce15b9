import type { ConnectionOptions } from 'bullmq';

/** The options every BullMQ queue and worker of Overseer's takes: how to connect, where its keys go. */
export interface BullmqConnection {
  connection: ConnectionOptions;
  prefix: string;
}

/**
 * How the run queue and the cron scheduler reach BullMQ: BullMQ makes its own connections to
 * `url` (with `maxRetriesPerRequest: null`, which its blocking commands need) and keeps its keys
 * under `<keyPrefix>bull`, beside the service's own keys.
 * @example const queue = new Queue<RunJob>('runs', bullmqConnection(config.redisUrl, 'overseer:'));
 */
export function bullmqConnection(url: string, keyPrefix: string): BullmqConnection {
  return { connection: { url, maxRetriesPerRequest: null }, prefix: `${keyPrefix}bull` };
}
