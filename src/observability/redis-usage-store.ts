import type { Cluster, Redis } from 'ioredis';
import {
  countersOf,
  dayOf,
  emptyCounters,
  noThreadKey,
  noTierKey,
  type UsageCounters,
  type UsageGrouping,
  type UsageStore,
  type UsageSummary,
} from './model-usage.ts';

export interface RedisUsageStoreOptions {
  /** A standalone client or a Cluster; every command names keys of one tenant's slot. */
  client: Redis | Cluster;
  /** Start of every key, ending in a separator, e.g. `overseer:usage:`. May not contain braces. */
  keyPrefix: string;
}

/*
 * Key layout, everything of a tenant under one `{tenant:<id>}` hash tag (one slot on a Cluster):
 *   {tenant}:day:<YYYY-MM-DD>   hash        `<dimension>|<counter>|<key>` → sum, for the dimensions
 *                                           total (key ''), agent, model, tier and thread
 *   {tenant}:days               sorted set  the days that have usage, scored by day number
 *   {tenant}:run:<run id>       hash        `<counter>` → sum, for one run
 * A call is one MULTI of increments: totals never lag their parts, and no record is read back.
 */

const counterFields: Record<keyof UsageCounters, string> = {
  calls: 'calls',
  inputTokens: 'input',
  outputTokens: 'output',
  cachedTokens: 'cached',
  reasoningTokens: 'reasoning',
  costNanoUsd: 'cost',
  estimatedCalls: 'estimated',
};
const counterByField = new Map(Object.entries(counterFields).map(([name, field]) => [field, name as keyof UsageCounters]));
const dimensionByGrouping: Record<UsageGrouping, string> = { agent: 'agent', model: 'model', tier: 'tier', day: 'total', thread: 'thread' };
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

/**
 * Model usage on Redis, for a service with `REDIS_URL`: the same behaviour as
 * `createSqliteUsageStore`, rolled up per tenant and day as calls arrive (no scan, no per-call
 * rows), so a month's summary reads about thirty hashes.
 * @example const usage = createRedisUsageStore({ client, keyPrefix: 'overseer:usage:' });
 */
export function createRedisUsageStore(options: RedisUsageStoreOptions): UsageStore {
  const { client, keyPrefix } = options;
  const tenantKey = (tenantId: string) => `${keyPrefix}{tenant:${tenantId}}`;

  function readRun(hash: Record<string, string>): UsageCounters {
    const counters = emptyCounters();
    for (const [field, value] of Object.entries(hash)) {
      const name = counterByField.get(field);
      if (name) counters[name] = Number(value);
    }
    return counters;
  }

  return {
    async record(usage) {
      const base = tenantKey(usage.tenantId);
      const day = dayOf(usage.at);
      const dayKey = `${base}:day:${day}`;
      const counters = countersOf(usage);
      const keys: Array<[string, string]> = [
        ['total', ''],
        ['agent', usage.role],
        ['model', usage.model],
        ['tier', usage.tier ?? noTierKey],
        ['thread', usage.threadId ?? noThreadKey],
      ];
      const transaction = client.multi();
      for (const [name, field] of Object.entries(counterFields) as Array<[keyof UsageCounters, string]>) {
        if (counters[name] === 0) continue;
        for (const [dimension, key] of keys) transaction.hincrby(dayKey, `${dimension}|${field}|${key}`, counters[name]);
        if (usage.runId) transaction.hincrby(`${base}:run:${usage.runId}`, field, counters[name]);
      }
      transaction.zadd(`${base}:days`, dayNumber(day), day);
      const results = await transaction.exec();
      const failed = results?.find(([error]) => error);
      if (failed) throw failed[0];
    },

    async forRun(tenantId, runId) {
      return readRun(await client.hgetall(`${tenantKey(tenantId)}:run:${runId}`));
    },

    async summarize({ tenantId, from, to, groupBy }): Promise<UsageSummary> {
      const base = tenantKey(tenantId);
      const days = await client.zrangebyscore(`${base}:days`, from ? dayNumber(from) : '-inf', to ? dayNumber(to) : '+inf');
      const totals = emptyCounters();
      const groups = new Map<string, UsageCounters>();
      if (days.length === 0) return { totals, groups: [] };
      const pipeline = client.pipeline();
      for (const day of days) pipeline.hgetall(`${base}:day:${day}`);
      const hashes = (await pipeline.exec()) ?? [];
      const wanted = groupBy ? dimensionByGrouping[groupBy] : undefined;
      hashes.forEach(([error, hash], index) => {
        if (error) throw error;
        for (const [field, value] of Object.entries(hash as Record<string, string>)) {
          const [dimension, counterField] = field.split('|', 2) as [string, string];
          const key = field.slice(dimension.length + counterField.length + 2);
          const name = counterByField.get(counterField);
          if (!name) continue;
          if (dimension === 'total') totals[name] += Number(value);
          if (dimension !== wanted) continue;
          const groupKey = groupBy === 'day' ? days[index]! : key;
          const group = groups.get(groupKey) ?? emptyCounters();
          group[name] += Number(value);
          groups.set(groupKey, group);
        }
      });
      return {
        totals,
        groups: [...groups.entries()].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)).map(([key, counters]) => ({ key, counters })),
      };
    },
  };
}
