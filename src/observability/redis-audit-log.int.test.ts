import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { describeAuditLogConformance, type AuditTamper } from './audit-log-conformance.ts';
import type { AuditRecord } from './audit-log.ts';
import { createRedisAuditLog } from './redis-audit-log.ts';

const client = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const runPrefix = `test:audit:${randomUUID()}:`;
let logs = 0;

afterAll(async () => {
  const keys = await client.keys(`${runPrefix}*`);
  if (keys.length > 0) await client.del(...keys);
  client.disconnect();
});

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
