import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisTestUrl, useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';
import { describeAuditLogConformance, type AuditTamper } from './audit-log-conformance.ts';
import type { AuditRecord } from './audit-log.ts';
import { createRedisAuditLog } from './redis-audit-log.ts';

const { client, prefix: runPrefix } = useRedisTestPrefix('audit');
let logs = 0;

function tamperWith(keyPrefix: string): AuditTamper {
  const listOf = (tenantId: string) => `${keyPrefix}audit:{${tenantId}}:records`;
  const indexOf = async (tenantId: string, seq: number) => {
    const texts = await client.lrange(listOf(tenantId), 0, -1);
    return texts.findIndex((text) => (JSON.parse(text) as AuditRecord).seq === seq);
  };
  return {
    async edit(tenantId, seq, change) {
      const index = await indexOf(tenantId, seq);
      const record = JSON.parse((await client.lindex(listOf(tenantId), index))!) as AuditRecord;
      await client.lset(listOf(tenantId), index, JSON.stringify(change(record)));
    },
    async remove(tenantId, seq) {
      const index = await indexOf(tenantId, seq);
      await client.lrem(listOf(tenantId), 1, (await client.lindex(listOf(tenantId), index))!);
    },
    async swap(tenantId, first, second) {
      const [a, b] = [await indexOf(tenantId, first), await indexOf(tenantId, second)];
      const [textA, textB] = [(await client.lindex(listOf(tenantId), a))!, (await client.lindex(listOf(tenantId), b))!];
      await client.lset(listOf(tenantId), a, textB);
      await client.lset(listOf(tenantId), b, textA);
    },
  };
}

describeAuditLogConformance('createRedisAuditLog', async (clock) => {
  const keyPrefix = `${runPrefix}${(logs += 1)}:`;
  return { log: createRedisAuditLog({ client, keyPrefix, clock }), tamper: tamperWith(keyPrefix) };
});

describe('createRedisAuditLog under concurrent appends', () => {
  it('appends every record when many runs in two processes write to one tenant at once, chained without a gap', async () => {
    const keyPrefix = `${runPrefix}concurrent:`;
    const other = new Redis(redisTestUrl, { maxRetriesPerRequest: 1 });
    try {
      // Two processes' logs (two connections), each with 100 appends in flight at once.
      const [first, second] = [createRedisAuditLog({ client, keyPrefix }), createRedisAuditLog({ client: other, keyPrefix })];
      const appends = Array.from({ length: 200 }, (_, index) =>
        (index % 2 === 0 ? first : second).append({ tenantId: 'acme', type: 'tool.executed', runId: `run-${index}`, data: { index } }));
      const records = await Promise.all(appends);
      expect(records.map((record) => record.seq).sort((left, right) => left - right)).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
      expect(await first.verify('acme')).toMatchObject({ ok: true });
    } finally {
      other.disconnect();
    }
  });
});
