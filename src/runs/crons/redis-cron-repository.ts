import type { Cluster, Redis } from 'ioredis';
import { AppError } from '../../errors.ts';
import { execCommands, guardStorageErrors } from '../../storage/index.ts';
import { fromFields, toFields } from '../redis-run-fields.ts';
import type { CronRecord } from './cron-record.ts';
import { matchesCronFilter, patchedCron, selectCrons, type CronRepository } from './cron-repository.ts';

export interface RedisCronRepositoryOptions {
  client: Redis | Cluster;
  /** Start of every key, ending in a separator, e.g. `overseer:crons:`. May not contain braces. */
  keyPrefix: string;
  clock?: () => Date;
}

// Field by field, so an update and a tick's `next_run_date` never overwrite each other's fields.
const patchScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`;

const encode = encodeURIComponent;

/**
 * Cron records on Redis, for a service with `REDIS_URL`. Key layout (a tenant's keys share the
 * `{tenant:<id>}` hash tag, so each tenant-level write is one MULTI or script on a Cluster):
 *
 *   {tenant}:cron:<id>       hash  cron fields, each JSON
 *   {tenant}:crons           set   the tenant's cron ids
 *   {global}:crons:enabled   set   `<tenant> <cron id>` of enabled crons (URI-encoded), for `enabled()`
 *
 * The global set is a second step on another slot; `enabled()` reads the records and drops
 * what is no longer there or no longer enabled, so an entry left by a crash is harmless.
 * @example const crons = createRedisCronRepository({ client, keyPrefix: 'overseer:crons:' });
 */
export function createRedisCronRepository(options: RedisCronRepositoryOptions): CronRepository {
  const { client, clock = () => new Date() } = options;
  if (/[{}]/.test(options.keyPrefix)) throw new AppError('BAD_REQUEST', 'The cron store key prefix may not contain braces');
  const tenantBase = (tenantId: string) => `${options.keyPrefix}{tenant:${encode(tenantId)}}`;
  const cronKey = (tenantId: string, cronId: string) => `${tenantBase(tenantId)}:cron:${encode(cronId)}`;
  const indexKey = (tenantId: string) => `${tenantBase(tenantId)}:crons`;
  const enabledKey = `${options.keyPrefix}{global}:crons:enabled`;
  const enabledMember = (tenantId: string, cronId: string) => `${encode(tenantId)} ${encode(cronId)}`;

  async function read(tenantId: string, cronId: string): Promise<CronRecord | undefined> {
    const fields = await client.hgetall(cronKey(tenantId, cronId));
    return Object.keys(fields).length === 0 ? undefined : (fromFields(fields) as unknown as CronRecord);
  }

  async function readAll(tenantId: string, cronIds: string[]): Promise<CronRecord[]> {
    if (cronIds.length === 0) return [];
    const pipeline = client.pipeline();
    for (const cronId of cronIds) pipeline.hgetall(cronKey(tenantId, cronId));
    const replies = (await execCommands(pipeline)) as Array<Record<string, string>>;
    return replies.filter((fields) => Object.keys(fields).length > 0).map((fields) => fromFields(fields) as unknown as CronRecord);
  }

  const ofTenant = async (tenantId: string) => readAll(tenantId, await client.smembers(indexKey(tenantId)));

  async function markEnabled(cron: Pick<CronRecord, 'tenant_id' | 'cron_id' | 'enabled'>): Promise<void> {
    const member = enabledMember(cron.tenant_id, cron.cron_id);
    if (cron.enabled) await client.sadd(enabledKey, member);
    else await client.srem(enabledKey, member);
  }

  return guardStorageErrors<CronRepository>({
    async put(cron) {
      const key = cronKey(cron.tenant_id, cron.cron_id);
      await execCommands(client.multi().del(key).hset(key, ...toFields(cron)).sadd(indexKey(cron.tenant_id), cron.cron_id));
      await markEnabled(cron);
    },
    get: read,
    async update(tenantId, cronId, patch) {
      const current = await read(tenantId, cronId);
      if (!current) return undefined;
      const { updated_at } = patchedCron(current, patch, clock().toISOString());
      const changed = await client.eval(patchScript, 1, cronKey(tenantId, cronId), ...toFields({ ...patch, updated_at }));
      if (changed !== 1) return undefined;
      const next = await read(tenantId, cronId);
      if (next && patch.enabled !== undefined) await markEnabled(next);
      return next;
    },
    async delete(tenantId, cronId) {
      const [deleted] = (await execCommands(client.multi().del(cronKey(tenantId, cronId)).srem(indexKey(tenantId), cronId))) as number[];
      await client.srem(enabledKey, enabledMember(tenantId, cronId));
      return deleted === 1;
    },
    search: async (tenantId, search) => selectCrons(await ofTenant(tenantId), search),
    count: async (tenantId, filter) => (await ofTenant(tenantId)).filter((cron) => matchesCronFilter(cron, filter)).length,
    async enabled() {
      const byTenant = new Map<string, string[]>();
      for (const member of await client.smembers(enabledKey)) {
        const [tenant, cron] = member.split(' ').map(decodeURIComponent);
        if (tenant === undefined || cron === undefined) continue;
        byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), cron]);
      }
      const found: CronRecord[] = [];
      for (const [tenantId, cronIds] of byTenant) found.push(...(await readAll(tenantId, cronIds)).filter((cron) => cron.enabled));
      return found;
    },
  }, 'Cron store unavailable');
}
