import type { Redis } from 'ioredis';
import { AppError, guardStorageAsync } from '../errors.ts';
import { chainAuditRecord, clampAuditLimit, matchesAuditQuery, type AuditEntry, type AuditLog, type AuditRecord } from './audit-log.ts';
import { verifyAuditChain } from './verify-audit-chain.ts';

export interface RedisAuditLogOptions {
  client: Redis;
  keyPrefix?: string;
  clock?: () => Date;
}

// Append a batch only if the head is still the one its first record was chained to: the script
// reads the previous hash and seq, and writes the records, the head and the indexes in one atomic
// step. ARGV: the expected seq and hash, then per record its JSON, seq, hash and the KEYS positions
// of its thread and run indexes (0: none).
const appendScript = `
local head = redis.call('HMGET', KEYS[1], 'seq', 'hash')
if (head[1] or '0') ~= ARGV[1] or (head[2] or '') ~= ARGV[2] then return 0 end
local seq, hash
for index = 3, #ARGV, 5 do
  seq, hash = ARGV[index + 1], ARGV[index + 2]
  redis.call('RPUSH', KEYS[2], ARGV[index])
  for slot = index + 3, index + 4 do
    local key = tonumber(ARGV[slot])
    if key > 0 then redis.call('ZADD', KEYS[key], seq, seq) end
  end
end
redis.call('HSET', KEYS[1], 'seq', seq, 'hash', hash)
return 1`;

const maxAppendRetries = 20;
// Records of one tenant chained and written by one script at most.
const maxBatch = 200;
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
  // One append in flight per tenant in this process, carrying every record that arrived while the
  // previous one was in flight (a group commit): its compare-and-set then races only other processes'
  // appends, and a tenant's hundreds of concurrent runs cost a few round trips, not three each in
  // a row (with 300 streaming runs on one worker, runs waited tens of seconds to write run.started).
  const waiting = new Map<string, Array<{ entry: AuditEntry; resolve: (record: AuditRecord) => void; reject: (error: unknown) => void }>>();

  async function drain(tenantId: string): Promise<void> {
    for (let queue = waiting.get(tenantId); queue && queue.length > 0; queue = waiting.get(tenantId)) {
      const batch = queue.splice(0, maxBatch);
      try {
        const records = await storage(() => appendBatch(tenantId, batch.map((pending) => pending.entry)));
        batch.forEach((pending, index) => pending.resolve(records[index]!));
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    waiting.delete(tenantId);
  }

  async function appendBatch(tenantId: string, entries: AuditEntry[]): Promise<AuditRecord[]> {
    const tenantKeys = keys(tenantId);
    for (let attempt = 0; attempt < maxAppendRetries; attempt += 1) {
      // Another process appended first: back off a random while, so the processes stop colliding.
      if (attempt > 0) await sleep(Math.random() * Math.min(50, 2 ** attempt));
      const head = await readHead(tenantId);
      const records: AuditRecord[] = [];
      const indexKeys: string[] = [];
      const positionOf = (key: string | undefined) => {
        if (!key) return '0';
        let position = indexKeys.indexOf(key);
        if (position === -1) position = indexKeys.push(key) - 1;
        return String(position + 3);
      };
      const recordArguments: string[] = [];
      for (const entry of entries) {
        const record = chainAuditRecord(entry, records.at(-1) ?? head, clock());
        records.push(record);
        recordArguments.push(JSON.stringify(record), String(record.seq), record.hash,
          positionOf(record.threadId && tenantKeys.thread(record.threadId)), positionOf(record.runId && tenantKeys.run(record.runId)));
      }
      const appended = await client.eval(appendScript, 2 + indexKeys.length, tenantKeys.head, tenantKeys.records, ...indexKeys,
        String(head?.seq ?? 0), head?.hash ?? '', ...recordArguments);
      if (appended !== 1) continue;
      // The tenant directory lives outside the tenant's hash tag, so it is written after the append.
      await client.sadd(tenantsKey, tenantId);
      return records;
    }
    throw new AppError('CONFLICT', 'The audit log is too busy to append; try again');
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
    append(entry) {
      return new Promise<AuditRecord>((resolve, reject) => {
        const queue = waiting.get(entry.tenantId);
        if (queue) {
          queue.push({ entry, resolve, reject });
          return;
        }
        waiting.set(entry.tenantId, [{ entry, resolve, reject }]);
        void drain(entry.tenantId);
      });
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
