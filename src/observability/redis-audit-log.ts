import type { Redis } from 'ioredis';
import { AppError, guardStorageAsync } from '../errors.ts';
import { chainAuditRecord, clampAuditLimit, matchesAuditQuery, type AuditLog, type AuditRecord } from './audit-log.ts';
import { verifyAuditChain } from './verify-audit-chain.ts';

export interface RedisAuditLogOptions {
  client: Redis;
  keyPrefix?: string;
  clock?: () => Date;
}

// Append only if the head is still the one the record was chained to: the script reads the
// previous hash and seq, and writes record, head and indexes in one atomic step.
const appendScript = `
local head = redis.call('HMGET', KEYS[1], 'seq', 'hash')
if (head[1] or '0') ~= ARGV[1] or (head[2] or '') ~= ARGV[2] then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[1], 'seq', ARGV[4], 'hash', ARGV[5])
if KEYS[3] then redis.call('ZADD', KEYS[3], ARGV[4], ARGV[4]) end
if KEYS[4] then redis.call('ZADD', KEYS[4], ARGV[4], ARGV[4]) end
return 1`;

const maxAppendRetries = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The audit log in Redis: per tenant, a list of records (`<prefix>audit:{tenant}:records`),
 * the head (`...:head`) and sorted-set indexes by thread and run. The `{tenant}` hash tag
 * keeps one tenant's keys in one cluster slot, as the append script needs.
 * @example const audit = createRedisAuditLog({ client: redis, keyPrefix: 'overseer:' });
 */
export function createRedisAuditLog(options: RedisAuditLogOptions): AuditLog {
  const { client } = options;
  const prefix = options.keyPrefix ?? '';
  const clock = options.clock ?? (() => new Date());
  const keys = (tenantId: string) => {
    const base = `${prefix}audit:{${tenantId}}`;
    return {
      head: `${base}:head`,
      records: `${base}:records`,
      thread: (threadId: string) => `${base}:thread:${threadId}`,
      run: (runId: string) => `${base}:run:${runId}`,
    };
  };
  const tenantsKey = `${prefix}audit:tenants`;
  // One append at a time per tenant in this process: its compare-and-set then races only other
  // processes' appends, not this process's own dozens of concurrent runs (which ran out of retries).
  const tails = new Map<string, Promise<unknown>>();
  function oneAtATime<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    const next = (tails.get(tenantId) ?? Promise.resolve()).then(work, work);
    const tail = next.catch(() => undefined);
    tails.set(tenantId, tail);
    void tail.then(() => {
      if (tails.get(tenantId) === tail) tails.delete(tenantId);
    });
    return next;
  }

  async function readHead(tenantId: string): Promise<{ seq: number; hash: string } | undefined> {
    const head = await client.hgetall(keys(tenantId).head);
    return head.seq === undefined ? undefined : { seq: Number(head.seq), hash: head.hash! };
  }

  async function recordsAt(tenantId: string, seqs: number[]): Promise<AuditRecord[]> {
    // seq n is list index n - 1 as long as nobody tampered with the list; verify() says if they did.
    const records = await Promise.all(seqs.map((seq) => client.lindex(keys(tenantId).records, seq - 1)));
    return records.filter((text): text is string => text !== null).map((text) => JSON.parse(text) as AuditRecord);
  }

  return {
    async append(entry) {
      return oneAtATime(entry.tenantId, () => storage(async () => {
        const tenantKeys = keys(entry.tenantId);
        for (let attempt = 0; attempt < maxAppendRetries; attempt += 1) {
          // Another process appended first: back off a random while, so the processes stop colliding.
          if (attempt > 0) await sleep(Math.random() * Math.min(50, 2 ** attempt));
          const head = await readHead(entry.tenantId);
          const record = chainAuditRecord(entry, head, clock());
          const indexKeys = [record.threadId && tenantKeys.thread(record.threadId), record.runId && tenantKeys.run(record.runId)]
            .filter((key): key is string => Boolean(key));
          const appended = await client.eval(appendScript, 2 + indexKeys.length, tenantKeys.head, tenantKeys.records, ...indexKeys,
            String(head?.seq ?? 0), head?.hash ?? '', JSON.stringify(record), String(record.seq), record.hash);
          if (appended !== 1) continue;
          // The tenant directory lives outside the tenant's hash tag, so it is written after the append.
          await client.sadd(tenantsKey, entry.tenantId);
          return record;
        }
        throw new AppError('CONFLICT', 'The audit log is too busy to append; try again');
      }));
    },
    async query(query) {
      return storage(async () => {
        const limit = clampAuditLimit(query.limit);
        const descending = query.order === 'desc';
        const tenantKeys = keys(query.tenantId);
        const index = query.runId !== undefined ? tenantKeys.run(query.runId) : query.threadId !== undefined ? tenantKeys.thread(query.threadId) : undefined;
        // Both bounds exclusive; type and actor have no index, so windows are read until enough match.
        const low = query.after ?? 0;
        const high = Math.min(query.before ?? Number.POSITIVE_INFINITY, (await client.llen(tenantKeys.records)) + 1);
        const batch = Math.max(limit * 2, 100);
        const found: AuditRecord[] = [];
        const take = (records: AuditRecord[]) => {
          for (const record of records) if (found.length < limit && matchesAuditQuery(record, query)) found.push(record);
        };
        if (index === undefined) {
          // seq n is list index n - 1 as long as nobody tampered with the list; verify() says if they did.
          let from = descending ? high - 1 : low + 1;
          while (found.length < limit && (descending ? from > low : from < high)) {
            const to = descending ? Math.max(low + 1, from - batch + 1) : Math.min(high - 1, from + batch - 1);
            const [first, last] = descending ? [to, from] : [from, to];
            const records = (await client.lrange(tenantKeys.records, first - 1, last - 1)).map((text) => JSON.parse(text) as AuditRecord);
            take(descending ? records.reverse() : records);
            from = descending ? to - 1 : to + 1;
          }
          return found;
        }
        for (let offset = 0; ; offset += batch) {
          const seqs = (descending
            ? await client.zrevrangebyscore(index, `(${high}`, `(${low}`, 'LIMIT', offset, batch)
            : await client.zrangebyscore(index, `(${low}`, `(${high}`, 'LIMIT', offset, batch)).map(Number);
          take(await recordsAt(query.tenantId, seqs));
          if (found.length >= limit || seqs.length < batch) return found;
        }
      });
    },
    async verify(tenantId) {
      return storage(async () => {
        const texts = await client.lrange(keys(tenantId).records, 0, -1);
        return verifyAuditChain(tenantId, texts.map((text) => JSON.parse(text) as AuditRecord), await readHead(tenantId));
      });
    },
    tenants: async () => storage(async () => (await client.smembers(tenantsKey)).sort()),
  };
}

const storage = <T>(work: () => Promise<T>) => guardStorageAsync('The audit log is unavailable', work);
