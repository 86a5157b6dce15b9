import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { describeApprovalStoreConformance } from './approval-store-conformance.ts';
import { createRedisApprovalStore } from './redis-approval-store.ts';

const client = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const runPrefix = `test:approvals:${randomUUID()}:`;
let stores = 0;

afterAll(async () => {
  const keys = await client.keys(`${runPrefix}*`);
  if (keys.length > 0) await client.del(...keys);
  client.disconnect();
});

describeApprovalStoreConformance('createRedisApprovalStore', async (clock) =>
  createRedisApprovalStore({ client, keyPrefix: `${runPrefix}${(stores += 1)}:`, clock }));
