import { useRedisTestPrefix } from '../../../test/support/redis-test-prefix.ts';
import { describeApprovalStoreConformance } from './approval-store-conformance.ts';
import { createRedisApprovalStore } from './redis-approval-store.ts';

const { client, uniquePrefix } = useRedisTestPrefix('approvals');

describeApprovalStoreConformance('createRedisApprovalStore', async (clock) =>
  createRedisApprovalStore({ client, keyPrefix: uniquePrefix(), clock }));
