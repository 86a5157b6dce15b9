import type { Redis } from 'ioredis';
import { guardStorageAsync, toStorageError } from '../errors.ts';
import { logError } from '../observability/index.ts';
import { runFencedScript, withFence, type RunFence } from '../storage/index.ts';
import { runFenceKey } from './redis-run-claims.ts';
import type { RunEvent } from './run-event.ts';
import { eventsExpired, type RunEventBus, type SequencedRunEvent, type SubscribeOptions } from './run-event-bus.ts';
import { toWireJson } from './to-wire-json.ts';

export interface RedisEventBusOptions {
  client: Redis;
  /** Its own connection for SUBSCRIBE (may be shared with other listeners of this process). */
  subscriber: Redis;
  /** e.g. `overseer:`; a run's stream is `<prefix>run-events:{<run>}`. */
  keyPrefix: string;
  /** Entries kept per run (XADD MAXLEN ~). */
  bufferLimit?: number;
  /** Seconds a run's stream lives after its last event. */
  retentionSeconds?: number;
  /** How often a waiting subscriber reads even without a notification (a lost pub/sub message costs at most this). */
  pollMs?: number;
}

/*
 * Event n of a run is stream entry `<n+1>-0`: our ids are the stream's own, so a client's
 * Last-Event-ID maps to an XRANGE start on any API process, and XADD with an explicit id refuses
 * an id that is not above the last one. ARGV after maxlen and ttl: id, event, data, node per entry.
 * The PUBLISH wakes subscribers in every API process; they read the entries themselves.
 */
const appendSource = `
local maxlen, ttl = ARGV[1], ARGV[2]
local last = ''
for index = 3, #ARGV, 4 do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, ARGV[index], 'e', ARGV[index + 1], 'd', ARGV[index + 2], 'n', ARGV[index + 3])
  last = ARGV[index]
end
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('PUBLISH', KEYS[2], last)
return last`;
const fencedAppend = withFence(appendSource);

/*
 * An event from the process that created the run, written only while no worker has claimed it
 * (its fence key, KEYS[3], does not exist yet) and its stream has not ended: the id follows the
 * last entry. A worker's claim INCRs the fence before it reads where the numbering stands, so
 * once it did, these are refused and never race the worker's own writes. ARGV: maxlen, ttl,
 * event, data. Returns the event's id, or -1 when refused.
 */
const unclaimedAppendSource = `
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local entry = 1
if #last > 0 then
  if last[1][2][2] == '__end__' then return -1 end
  entry = tonumber(string.match(last[1][1], '^%d+')) + 1
end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], entry .. '-0', 'e', ARGV[3], 'd', ARGV[4], 'n', '')
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', KEYS[2], entry .. '-0')
return entry - 1`;

const endEvent = '__end__';

interface Producer {
  nextId: number;
  fence?: RunFence;
  pending: Array<{ id: number; event: RunEvent }>;
  flushing?: Promise<void>;
  ended: boolean;
  /** Set once a write was refused or failed: nothing more is written for the run from here. */
  failure?: unknown;
}

const unavailable = 'The run event stream (Redis) is unavailable';
// Redis down or hanging is an outage (503 STORAGE_ERROR) to a reader, never an unmapped 500.
const storage = <T>(work: () => Promise<T>) => guardStorageAsync(unavailable, work);

/**
 * The run event bus on Redis Streams: one stream per run (bounded by MAXLEN ~, expiring
 * `retentionSeconds` after its last event), written by the worker executing the run (fenced
 * by its claim, batched per turn of the event loop) and read by any API process.
 * @example const bus = createRedisEventBus({ client, subscriber, keyPrefix: 'overseer:' });
 */
export function createRedisEventBus(options: RedisEventBusOptions): RunEventBus {
  const { client, subscriber, keyPrefix } = options;
  const bufferLimit = options.bufferLimit ?? 10_000;
  const retentionSeconds = options.retentionSeconds ?? 600;
  const pollMs = options.pollMs ?? 1_000;
  const streamKey = (runId: string) => `${keyPrefix}run-events:{${encodeURIComponent(runId)}}`;
  const channelOf = (runId: string) => `${keyPrefix}run-events-notify:{${encodeURIComponent(runId)}}`;
  const producers = new Map<string, Producer>();
  const watchers = new Map<string, Set<() => void>>();

  subscriber.on('message', (channel: string) => {
    for (const wake of watchers.get(channel) ?? []) wake();
  });

  function producerOf(runId: string): Producer {
    let producer = producers.get(runId);
    if (!producer) producers.set(runId, (producer = { nextId: 0, pending: [], ended: false }));
    return producer;
  }

  async function flush(runId: string, producer: Producer): Promise<void> {
    while (producer.pending.length > 0 && producer.failure === undefined) {
      const batch = producer.pending.splice(0, 500);
      const args = [String(bufferLimit), String(retentionSeconds)];
      // The wire form, as the in-process bus's readers get it: JSON.stringify would store LangChain
      // messages in their constructor form, which no reader turns back into `{ type, content }`.
      for (const { id, event } of batch) args.push(`${id + 1}-0`, event.event, toWireJson(event.data ?? null), event.node ?? '');
      const keys = [streamKey(runId), channelOf(runId)];
      try {
        if (producer.fence) await runFencedScript(client, fencedAppend, producer.fence, keys, args);
        else await client.eval(appendSource, keys.length, ...keys, ...args);
      } catch (error) {
        producer.failure = error;
        logError(`run ${runId}: its events could not be written:`, error);
      }
    }
    producer.flushing = undefined;
    if (producer.ended && producer.pending.length === 0) producers.delete(runId);
  }

  function schedule(runId: string, producer: Producer) {
    // One script per turn of the event loop carries every event published meanwhile.
    producer.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => flush(runId, producer));
  }

  function append(runId: string, event: RunEvent): SequencedRunEvent {
    const producer = producerOf(runId);
    const sequenced = { ...event, id: producer.nextId };
    producer.nextId += 1;
    if (producer.failure === undefined) {
      producer.pending.push({ id: sequenced.id, event });
      schedule(runId, producer);
    }
    return sequenced;
  }

  async function watch(runId: string, wake: () => void): Promise<() => Promise<void>> {
    const channel = channelOf(runId);
    let set = watchers.get(channel);
    if (!set) {
      watchers.set(channel, (set = new Set()));
      try {
        await storage(() => subscriber.subscribe(channel));
      } catch (error) {
        // Not subscribed: the next watcher of the channel tries again.
        if (watchers.get(channel) === set) watchers.delete(channel);
        throw error;
      }
    }
    set.add(wake);
    return async () => {
      set.delete(wake);
      if (set.size === 0 && watchers.get(channel) === set) {
        watchers.delete(channel);
        await subscriber.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  return {
    publish: append,
    async publishUnclaimed(runId, event) {
      const keys = [streamKey(runId), channelOf(runId), runFenceKey(keyPrefix, runId)];
      const args = [String(bufferLimit), String(retentionSeconds), event.event, toWireJson(event.data ?? null)];
      const id = (await storage(() => client.eval(unclaimedAppendSource, keys.length, ...keys, ...args))) as number;
      return id >= 0;
    },
    end(runId) {
      append(runId, { event: endEvent, data: null });
      producerOf(runId).ended = true;
    },
    async attach(runId, fence) {
      // A worker taking a run over continues the numbering where the last one stopped.
      const [last] = (await storage(() => client.xrevrange(streamKey(runId), '+', '-', 'COUNT', 1))) as Array<[string, string[]]>;
      const producer = producerOf(runId);
      producer.nextId = last ? Number(last[0].split('-')[0]) : 0;
      producer.fence = fence;
      producer.failure = undefined;
    },
    async flush(runId) {
      const producer = producers.get(runId);
      while (producer?.flushing) await producer.flushing;
      if (producer?.failure !== undefined) throw toStorageError(producer.failure, unavailable);
    },
    async has(runId) {
      return (await storage(() => client.exists(streamKey(runId)))) === 1;
    },
    async *subscribe(runId, subscribeOptions: SubscribeOptions = {}) {
      const key = streamKey(runId);
      const { signal } = subscribeOptions;
      let after = subscribeOptions.after ?? -1;
      let version = 0;
      let wakeUp: (() => void) | undefined;
      const unwatch = await watch(runId, () => {
        version += 1;
        wakeUp?.();
      });
      try {
        const [first] = (await storage(() => client.xrange(key, '-', '+', 'COUNT', 1))) as Array<[string, string[]]>;
        // Replaying from after a gap would silently skip events the client never saw.
        if (first && Number(first[0].split('-')[0]) - 1 > after + 1) throw eventsExpired(runId, after);
        if (!first && after >= 0) throw eventsExpired(runId, after);
        while (!signal?.aborted) {
          const seen = version;
          const entries = (await storage(() => client.xrange(key, `${after + 2}-0`, '+', 'COUNT', 500))) as Array<[string, string[]]>;
          for (const [entryId, fields] of entries) {
            const values: Record<string, string> = {};
            for (let index = 0; index < fields.length; index += 2) values[fields[index]!] = fields[index + 1]!;
            if (values.e === endEvent) return;
            after = Number(entryId.split('-')[0]) - 1;
            yield { event: values.e!, data: JSON.parse(values.d ?? 'null'), id: after, ...(values.n ? { node: values.n } : {}) };
          }
          if (entries.length > 0 || version !== seen) continue;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, pollMs);
            function done() {
              clearTimeout(timer);
              signal?.removeEventListener('abort', done);
              wakeUp = undefined;
              resolve();
            }
            wakeUp = done;
            signal?.addEventListener('abort', done, { once: true });
          });
        }
      } finally {
        await unwatch();
      }
    },
    close() {
      watchers.clear();
    },
  };
}
