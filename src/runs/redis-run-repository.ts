import type { Cluster, Redis } from 'ioredis';
import { AppError } from '../errors.ts';
import { execCommands, guardStorageErrors, runFencedScript, withFence, type RunFence } from '../storage/index.ts';
import { metadataMatches, type RunRepository, type ThreadPatch, type ThreadSearch } from './run-repository.ts';
import { isActive, type RunRecord, type ThreadRecord } from './run-records.ts';
import { createKeys } from './redis-run-keys.ts';
import { claimRunScript, createThreadScript, deleteThreadScript, updateRunScript, updateThreadScript, type LuaScript } from './redis-run-scripts.ts';
import { compareBytes, fromFields, fromFlatFields, scoredMembers, scoreOf, toFields, toThread } from './redis-run-fields.ts';

export interface RedisRunRepositoryOptions {
  /** A standalone client or a Cluster; every command names keys of one slot. */
  client: Redis | Cluster;
  /** Start of every key, ending in a separator, e.g. `overseer:runs:`. May not contain braces. */
  keyPrefix: string;
  clock?: () => Date;
}

const threadPageSize = 100;

const fencedScripts = new Map<string, ReturnType<typeof withFence>>();
function fencedVersionOf(script: LuaScript) {
  let fenced = fencedScripts.get(script.sha);
  if (!fenced) fencedScripts.set(script.sha, (fenced = withFence(script.source)));
  return fenced;
}
const maxDeleteAttempts = 5;

/**
 * Thread and run records on Redis, for a service with `REDIS_URL`: the same behaviour as
 * `createSqliteRunRepository`, with per-tenant sorted-set indexes instead of SQL (no KEYS
 * or SCAN). Any Redis failure becomes `AppError('STORAGE_ERROR')` with the cause kept.
 * @example
 * const repository = createRedisRunRepository({ client: new Redis(config.redis.url), keyPrefix: 'overseer:runs:' });
 */
export function createRedisRunRepository(options: RedisRunRepositoryOptions): RunRepository {
  const { client, clock = () => new Date() } = options;
  if (/[{}]/.test(options.keyPrefix)) throw new AppError('BAD_REQUEST', 'The run store key prefix may not contain braces');
  const keys = createKeys(options.keyPrefix);

  async function runScript(script: LuaScript, scriptKeys: string[], args: Array<string | number>, fence?: RunFence): Promise<unknown> {
    // A worker's write: the same script behind the fence check, refused once its claim is stale.
    if (fence) return runFencedScript(client, fencedVersionOf(script), fence, scriptKeys, args);
    try {
      return await client.evalsha(script.sha, scriptKeys.length, ...scriptKeys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(script.source, scriptKeys.length, ...scriptKeys, ...args);
    }
  }

  async function readThreads(tenantId: string, threadIds: string[]): Promise<ThreadRecord[]> {
    if (threadIds.length === 0) return [];
    const tenant = keys.tenant(tenantId);
    const pipeline = client.pipeline();
    for (const threadId of threadIds) pipeline.hgetall(tenant.thread(threadId)).hgetall(tenant.metadata(threadId));
    const replies = (await execCommands(pipeline)) as Array<Record<string, string>>;
    return threadIds.flatMap((_, index) => {
      const fields = replies[index * 2]!;
      return Object.keys(fields).length === 0 ? [] : [toThread(fields, replies[index * 2 + 1]!)];
    });
  }

  async function readRuns(tenantId: string, runIds: string[]): Promise<RunRecord[]> {
    if (runIds.length === 0) return [];
    const tenant = keys.tenant(tenantId);
    const pipeline = client.pipeline();
    for (const runId of runIds) pipeline.hgetall(tenant.run(runId));
    const replies = (await execCommands(pipeline)) as Array<Record<string, string>>;
    return replies.filter((fields) => Object.keys(fields).length > 0).map((fields) => fromFields(fields) as unknown as RunRecord);
  }

  function compareThreads(sortBy: ThreadSearch['sortBy'], descending: boolean) {
    return (left: ThreadRecord, right: ThreadRecord) =>
      compareBytes(left[sortBy], right[sortBy]) * (descending ? -1 : 1) || compareBytes(left.thread_id, right.thread_id);
  }

  /**
   * Thread ids of the tenant in the requested order, when the order needs no record:
   * one ZRANGE of the whole index, O(threads of the tenant) in ids, then sorted here
   * (ties by thread id ascending, as the SQLite ORDER BY has them).
   */
  async function orderedThreadIds(tenantId: string, sortBy: 'thread_id' | 'created_at' | 'updated_at', descending: boolean) {
    const tenant = keys.tenant(tenantId);
    const index = sortBy === 'updated_at' ? tenant.threadsByUpdate : tenant.threadsByCreation;
    const entries = scoredMembers(await client.zrange(index, 0, '-1', 'WITHSCORES'));
    const direction = descending ? -1 : 1;
    entries.sort((left, right) =>
      sortBy === 'thread_id'
        ? compareBytes(left.member, right.member) * direction
        : (left.score - right.score) * direction || compareBytes(left.member, right.member),
    );
    return entries.map((entry) => entry.member);
  }

  /**
   * Threads matching the search, in order, at least `wanted` of them when there are that
   * many. Status and metadata filters read thread records page by page until enough match,
   * so a selective filter costs up to one HGETALL pair per thread of the tenant; sorting by
   * status reads them all. Without filters only the requested page is read.
   */
  async function matchingThreads(tenantId: string, search: Partial<ThreadSearch>, wanted: number): Promise<ThreadRecord[]> {
    const sortBy = search.sortBy ?? 'created_at';
    const descending = search.sortOrder !== 'asc';
    const matches = (thread: ThreadRecord) =>
      (!search.status || thread.status === search.status) && metadataMatches(thread.metadata, search.metadata);
    if (search.ids?.length || sortBy === 'status') {
      const ids = search.ids?.length ? [...new Set(search.ids)] : await allThreadIds(tenantId);
      const threads = (await readThreads(tenantId, ids)).filter(matches);
      return threads.sort(compareThreads(sortBy, descending));
    }
    const ids = await orderedThreadIds(tenantId, sortBy, descending);
    if (!search.status && !search.metadata) return readThreads(tenantId, ids.slice(0, wanted));
    const found: ThreadRecord[] = [];
    for (let start = 0; start < ids.length && found.length < wanted; start += threadPageSize) {
      found.push(...(await readThreads(tenantId, ids.slice(start, start + threadPageSize))).filter(matches));
    }
    return found;
  }

  async function allThreadIds(tenantId: string): Promise<string[]> {
    return client.zrange(keys.tenant(tenantId).threadsByCreation, 0, '-1');
  }

  async function setGlobalActive(runId: string, active: boolean): Promise<void> {
    if (active) await client.sadd(keys.activeRuns, runId);
    else await client.srem(keys.activeRuns, runId);
  }

  const repository: RunRepository = {
    async createThread(thread) {
      const tenant = keys.tenant(thread.tenant_id);
      const { metadata, ...fields } = thread;
      const threadFields = toFields({ ...fields, values: fields.values ?? null });
      const created = await runScript(
        createThreadScript,
        [tenant.thread(thread.thread_id), tenant.metadata(thread.thread_id), tenant.threadsByCreation, tenant.threadsByUpdate],
        [thread.thread_id, scoreOf(thread.created_at), scoreOf(thread.updated_at), threadFields.length / 2, ...threadFields, ...toFields(metadata)],
      );
      if (created === 0) throw new AppError('CONFLICT', `Thread ${thread.thread_id} already exists`);
      return thread;
    },

    async getThread(tenantId, threadId) {
      return (await readThreads(tenantId, [threadId]))[0];
    },

    async updateThread(tenantId, threadId, patch: ThreadPatch, fence) {
      const tenant = keys.tenant(tenantId);
      const updatedAt = clock().toISOString();
      const fields = toFields({ status: patch.status, values: patch.values, interrupts: patch.interrupts, updated_at: updatedAt });
      const reply = (await runScript(
        updateThreadScript,
        [tenant.thread(threadId), tenant.metadata(threadId), tenant.threadsByUpdate],
        [threadId, scoreOf(updatedAt), fields.length / 2, ...fields, ...toFields(patch.metadata ?? {})],
        fence,
      )) as [string[], string[]] | null;
      return reply ? toThread(fromFlatFields(reply[0]), fromFlatFields(reply[1])) : undefined;
    },

    async deleteThread(tenantId, threadId) {
      const tenant = keys.tenant(tenantId);
      for (let attempt = 1; ; attempt += 1) {
        const runIds = await client.zrange(tenant.threadRuns(threadId), 0, '-1');
        const threadKeys = [tenant.thread(threadId), tenant.metadata(threadId), tenant.threadsByCreation, tenant.threadsByUpdate];
        const deleted = await runScript(
          deleteThreadScript,
          [...threadKeys, tenant.threadRuns(threadId), tenant.threadActive(threadId), tenant.runs, ...runIds.map(tenant.run)],
          [threadId, ...runIds],
        );
        // A run was added or removed between the read and the script: read the index again.
        if (deleted === -1 && attempt < maxDeleteAttempts) continue;
        if (deleted === -1) throw new AppError('CONFLICT', `Thread ${threadId} kept changing while being deleted`);
        if (runIds.length > 0) await execCommands(client.multi().hdel(keys.runOwners, ...runIds).srem(keys.activeRuns, ...runIds));
        return deleted === 1;
      }
    },

    async searchThreads(tenantId, search) {
      const threads = await matchingThreads(tenantId, search, search.offset + search.limit);
      return threads.slice(search.offset, search.offset + search.limit);
    },

    async countThreads(tenantId, search) {
      if (!search.ids?.length && !search.status && !search.metadata) return client.zcard(keys.tenant(tenantId).threadsByCreation);
      return (await matchingThreads(tenantId, search, Number.POSITIVE_INFINITY)).length;
    },

    async putRun(run) {
      const tenant = keys.tenant(run.tenant_id);
      const active = isActive(run);
      const owner = JSON.stringify([run.tenant_id, run.thread_id]);
      const claimed = await runScript(claimRunScript, [keys.runOwners, keys.activeRuns], [run.run_id, owner, active ? '1' : '0']);
      if (claimed === 0) throw new AppError('CONFLICT', `Run ${run.run_id} already exists`);
      const transaction = client
        .multi()
        .del(tenant.run(run.run_id))
        .hset(tenant.run(run.run_id), ...toFields(run))
        .zadd(tenant.threadRuns(run.thread_id), scoreOf(run.created_at), run.run_id)
        // The tenant's run list, in the same transaction as the record, so neither is ever without the other.
        .zadd(tenant.runs, scoreOf(run.created_at), run.run_id);
      if (active) transaction.sadd(tenant.threadActive(run.thread_id), run.run_id);
      else transaction.srem(tenant.threadActive(run.thread_id), run.run_id);
      await execCommands(transaction);
      if (!active) await setGlobalActive(run.run_id, false);
    },

    async getRun(tenantId, runId) {
      return (await readRuns(tenantId, [runId]))[0];
    },

    async listRuns(tenantId, threadId, { limit, offset, status }) {
      if (limit <= 0) return [];
      const index = keys.tenant(tenantId).threadRuns(threadId);
      if (!status) return readRuns(tenantId, await client.zrevrange(index, offset, offset + limit - 1));
      // A status filter reads the thread's runs newest first until the page is full.
      const found: RunRecord[] = [];
      for (let start = 0; found.length < offset + limit; start += threadPageSize) {
        const runIds = await client.zrevrange(index, start, start + threadPageSize - 1);
        found.push(...(await readRuns(tenantId, runIds)).filter((run) => run.status === status));
        if (runIds.length < threadPageSize) break;
      }
      return found.slice(offset, offset + limit);
    },

    async listTenantRuns(tenantId, { limit, offset, status, before }) {
      if (limit <= 0) return [];
      const index = keys.tenant(tenantId).runs;
      // Reverse rank orders by created_at, then run id, both descending: the SQLite order.
      let start = 0;
      if (before !== undefined) {
        const rank = await client.zrevrank(index, before);
        if (rank === null) return [];
        start = rank + 1;
      }
      if (!status) return readRuns(tenantId, await client.zrevrange(index, start + offset, start + offset + limit - 1));
      // A status filter reads the tenant's runs newest first until the page is full.
      const found: RunRecord[] = [];
      for (; found.length < offset + limit; start += threadPageSize) {
        const runIds = await client.zrevrange(index, start, start + threadPageSize - 1);
        found.push(...(await readRuns(tenantId, runIds)).filter((run) => run.status === status));
        if (runIds.length < threadPageSize) break;
      }
      return found.slice(offset, offset + limit);
    },

    async activeRuns(tenantId, threadId) {
      const runIds = await client.smembers(keys.tenant(tenantId).threadActive(threadId));
      const runs = (await readRuns(tenantId, runIds)).filter(isActive);
      return runs.sort((left, right) => compareBytes(left.created_at, right.created_at) || compareBytes(left.run_id, right.run_id));
    },

    async updateRun(runId, patch, fence) {
      const owner = await client.hget(keys.runOwners, runId);
      if (!owner) return;
      const [tenantId, threadId] = JSON.parse(owner) as [string, string];
      const tenant = keys.tenant(tenantId);
      const next = { ...patch, updated_at: clock().toISOString() };
      const cleared = Object.entries(next).flatMap(([field, value]) => (value === undefined && field !== 'status' ? [field] : []));
      const activating = next.status !== undefined && isActive({ status: next.status });
      if (activating) await setGlobalActive(runId, true);
      const fields = toFields(next);
      const status = await runScript(updateRunScript, [tenant.run(runId), tenant.threadActive(threadId)], [runId, fields.length / 2, ...fields, ...cleared], fence);
      // The record went away under us (thread being deleted): take back the entry just added.
      if (status === null && activating) await setGlobalActive(runId, false);
      if (status !== null && next.status !== undefined && !activating) await setGlobalActive(runId, false);
    },

    async deleteRun(tenantId, runId) {
      const tenant = keys.tenant(tenantId);
      const threadField = await client.hget(tenant.run(runId), 'thread_id');
      if (threadField === null) return false;
      const threadId = JSON.parse(threadField) as string;
      const [deleted] = await execCommands(
        client.multi().del(tenant.run(runId)).zrem(tenant.threadRuns(threadId), runId).zrem(tenant.runs, runId).srem(tenant.threadActive(threadId), runId),
      );
      if (deleted === 0) return false;
      await execCommands(client.multi().hdel(keys.runOwners, runId).srem(keys.activeRuns, runId));
      return true;
    },

    async staleRuns() {
      const runIds = await client.smembers(keys.activeRuns);
      if (runIds.length === 0) return [];
      const owners = await client.hmget(keys.runOwners, ...runIds);
      const byTenant = new Map<string, string[]>();
      const unowned: string[] = [];
      runIds.forEach((runId, index) => {
        const owner = owners[index];
        if (!owner) return void unowned.push(runId);
        const [tenantId] = JSON.parse(owner) as [string, string];
        byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), runId]);
      });
      const runs = (await Promise.all([...byTenant].map(([tenantId, ids]) => readRuns(tenantId, ids)))).flat();
      // Entries left behind by a crash between the two steps of a write: the run has finished,
      // or it was deleted (a run is owned before it ever enters the set, and disowned only on delete).
      const leftovers = [...unowned, ...runs.filter((run) => !isActive(run)).map((run) => run.run_id)];
      if (leftovers.length > 0) await client.srem(keys.activeRuns, ...leftovers);
      return runs
        .filter(isActive)
        .sort((left, right) => compareBytes(left.created_at, right.created_at) || compareBytes(left.run_id, right.run_id));
    },
  };

  return guardStorageErrors<RunRepository>(repository, 'Run store unavailable');
}

/** Wraps every method so a Redis failure surfaces as STORAGE_ERROR; AppErrors pass through. */
