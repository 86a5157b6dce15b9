import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { AppError } from '../errors.ts';
import { guardStorageErrors } from '../storage/index.ts';
import { atVersion, patched, versionOf, type AssistantRecord, type AssistantVersion } from './assistant-record.ts';
import { matchesSearch, pageOf, type AssistantRepository } from './assistant-repository.ts';

export interface RedisAssistantRepositoryOptions {
  /** A standalone client or a Cluster; every command names keys of one tenant's slot. */
  client: Redis | Cluster;
  /** Start of every key, ending in a separator, e.g. `overseer:assistants:`. May not contain braces. */
  keyPrefix: string;
  clock?: () => Date;
}

/*
 * Key layout, everything of a tenant under one `{tenant:<id>}` hash tag (one slot on a Cluster):
 *   {tenant}:assistants                    sorted set  assistant id by created_at (ms)
 *   {tenant}:assistant:<id>                hash        record (JSON), revision (bumped on every write)
 *   {tenant}:assistant:<id>:versions       hash        version → that version (JSON)
 * Versions are never removed one by one, so the highest is the hash's length. A write checks the
 * revision it read (compare-and-set in Lua; no JSON decoded in Lua) and is retried when another
 * write came first.
 */

function luaScript(source: string) {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

// KEYS: record, versions, index. ARGV: record JSON, version, its JSON, created score, id.
const createScript = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'record', ARGV[1], 'revision', '1')
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
return 1`);

// KEYS: record, versions. ARGV: revision read, record JSON, new version ('' for none), its JSON.
const replaceScript = luaScript(`
if redis.call('HGET', KEYS[1], 'revision') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'record', ARGV[2], 'revision', tostring(tonumber(ARGV[1]) + 1))
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], ARGV[3], ARGV[4]) end
return 1`);

const maxAttempts = 5;

/**
 * Assistants on Redis, for a service with `REDIS_URL`: the same behaviour as
 * `createSqliteAssistantRepository`, with a per-tenant sorted set as the index (no SCAN).
 * @example const assistants = createRedisAssistantRepository({ client, keyPrefix: 'overseer:assistants:' });
 */
export function createRedisAssistantRepository(options: RedisAssistantRepositoryOptions): AssistantRepository {
  const { client, clock = () => new Date() } = options;
  if (/[{}]/.test(options.keyPrefix)) throw new AppError('BAD_REQUEST', 'The assistant store key prefix may not contain braces');
  const now = () => clock().toISOString();
  const keysOf = (tenantId: string) => {
    const base = `${options.keyPrefix}{tenant:${encodeURIComponent(tenantId)}}`;
    const record = (assistantId: string) => `${base}:assistant:${encodeURIComponent(assistantId)}`;
    return { index: `${base}:assistants`, record, versions: (assistantId: string) => `${record(assistantId)}:versions` };
  };

  async function run(script: { source: string; sha: string }, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await client.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(script.source, keys.length, ...keys, ...args);
    }
  }

  async function read(tenantId: string, assistantId: string): Promise<{ record: AssistantRecord; revision: string } | undefined> {
    const [json, revision] = await client.hmget(keysOf(tenantId).record(assistantId), 'record', 'revision');
    return json && revision ? { record: JSON.parse(json) as AssistantRecord, revision } : undefined;
  }

  /** Read, change, write back unless another write came in between (then again). */
  async function replace(
    tenantId: string,
    assistantId: string,
    change: (current: AssistantRecord) => Promise<{ next: AssistantRecord; newVersion: boolean }>,
  ): Promise<AssistantRecord | undefined> {
    const keys = keysOf(tenantId);
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const current = await read(tenantId, assistantId);
      if (!current) return undefined;
      const { next, newVersion } = await change(current.record);
      const written = await run(replaceScript, [keys.record(assistantId), keys.versions(assistantId)], [
        current.revision,
        JSON.stringify(next),
        newVersion ? next.version : '',
        newVersion ? JSON.stringify(versionOf(next)) : '',
      ]);
      if (written === 1) return next;
    }
    throw new AppError('CONFLICT', `Assistant ${assistantId} is being changed by other requests; try again`);
  }

  async function all(tenantId: string): Promise<AssistantRecord[]> {
    const keys = keysOf(tenantId);
    const ids = await client.zrange(keys.index, 0, '-1');
    if (ids.length === 0) return [];
    const pipeline = client.pipeline();
    for (const id of ids) pipeline.hget(keys.record(id), 'record');
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(([error, json]) => {
      if (error) throw error;
      return typeof json === 'string' ? [JSON.parse(json) as AssistantRecord] : [];
    });
  }

  return guardStorageErrors<AssistantRepository>({
    async create(record) {
      const keys = keysOf(record.tenant_id);
      const created = await run(createScript, [keys.record(record.assistant_id), keys.versions(record.assistant_id), keys.index], [
        JSON.stringify(record),
        record.version,
        JSON.stringify(versionOf(record)),
        Date.parse(record.created_at),
        record.assistant_id,
      ]);
      if (created !== 1) throw new AppError('CONFLICT', `Assistant ${record.assistant_id} already exists`);
      return record;
    },
    get: async (tenantId, assistantId) => (await read(tenantId, assistantId))?.record,
    update: (tenantId, assistantId, patch) =>
      replace(tenantId, assistantId, async (current) => {
        const highest = await client.hlen(keysOf(tenantId).versions(assistantId));
        return { next: patched(current, patch, Math.max(highest, current.version), now()), newVersion: true };
      }),
    setLatest: (tenantId, assistantId, version) =>
      replace(tenantId, assistantId, async (current) => {
        const json = await client.hget(keysOf(tenantId).versions(assistantId), String(version));
        if (!json) throw new AppError('NOT_FOUND', `Assistant ${assistantId} has no version ${version}`);
        return { next: atVersion(current, JSON.parse(json) as AssistantVersion, now()), newVersion: false };
      }),
    async delete(tenantId, assistantId) {
      const keys = keysOf(tenantId);
      const replies = await client.multi().del(keys.record(assistantId), keys.versions(assistantId)).zrem(keys.index, assistantId).exec();
      if (!replies) throw new Error('Redis transaction was aborted');
      const failed = replies.find(([error]) => error !== null);
      if (failed) throw failed[0];
      return Number(replies[1]![1]) > 0;
    },
    search: async (tenantId, search) => pageOf((await all(tenantId)).filter((record) => matchesSearch(record, search)), search),
    count: async (tenantId, search) => (await all(tenantId)).filter((record) => matchesSearch(record, search)).length,
    async versions(tenantId, assistantId, options) {
      const stored = await client.hgetall(keysOf(tenantId).versions(assistantId));
      return Object.values(stored)
        .map((json) => JSON.parse(json) as AssistantVersion)
        .sort((left, right) => right.version - left.version)
        .filter((version) => (options.metadata ?? []).every((matches) => matches(version.metadata)))
        .slice(options.offset, options.offset + options.limit);
    },
  }, 'Assistant store unavailable');
}
