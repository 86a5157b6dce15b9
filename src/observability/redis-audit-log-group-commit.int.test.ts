import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisTestServer, type RedisTestServer } from '../../test/support/redis-test-server.ts';
import { createRedisAuditLog } from './redis-audit-log.ts';

// A private redis-server, so its command statistics count this test's scripts only.
let server: RedisTestServer;
let client: Redis;
beforeAll(async () => {
  server = await startRedisTestServer();
  client = new Redis(server.url, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  client?.disconnect();
  await server?.dispose();
});

async function scriptCalls(): Promise<number> {
  const stats = await client.info('commandstats');
  return Number(/cmdstat_eval:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

describe('Redis audit log group commit', () => {
  it('writes a tenant\'s concurrent appends in a few scripts, each caller getting its own record, chained without a gap', async () => {
    const log = createRedisAuditLog({ client, keyPrefix: 'group:' });
    const before = await scriptCalls();
    const records = await Promise.all(Array.from({ length: 300 }, (_, index) =>
      log.append({ tenantId: 'acme', type: 'run.started', runId: `run-${index}`, threadId: `thread-${index % 7}`, data: { index } })));
    // The first append goes alone; the 299 that arrived meanwhile go in batches of at most 200.
    expect(await scriptCalls() - before).toBeLessThanOrEqual(3);
    expect(records.map((record) => record.runId)).toEqual(Array.from({ length: 300 }, (_, index) => `run-${index}`));
    expect(records.map((record) => record.seq)).toEqual(Array.from({ length: 300 }, (_, index) => index + 1));
    expect(await log.verify('acme')).toMatchObject({ ok: true });
    // The indexes of a batch's records point at their own sequence numbers.
    expect((await log.query({ tenantId: 'acme', runId: 'run-250' })).map((record) => record.data)).toEqual([{ index: 250 }]);
    expect(await log.query({ tenantId: 'acme', threadId: 'thread-3', limit: 1_000 })).toHaveLength(43);
    expect(await log.tenants()).toEqual(['acme']);
  });

  it('keeps one chain when two processes\' batches race for the head', async () => {
    const other = new Redis(server.url, { maxRetriesPerRequest: 1 });
    try {
      const [first, second] = [createRedisAuditLog({ client, keyPrefix: 'race:' }), createRedisAuditLog({ client: other, keyPrefix: 'race:' })];
      const records = await Promise.all(Array.from({ length: 400 }, (_, index) =>
        (index % 2 === 0 ? first : second).append({ tenantId: 'acme', type: 'tool.executed', runId: `run-${index}`, data: { index } })));
      expect(records.map((record) => record.seq).sort((left, right) => left - right)).toEqual(Array.from({ length: 400 }, (_, index) => index + 1));
      expect(await first.verify('acme')).toMatchObject({ ok: true });
    } finally {
      other.disconnect();
    }
  });
});
