import { describe } from 'vitest';
import { itDecidesApprovalRacesOneWay } from '../support/approval-decision-race.ts';
import { redisTestUrl, useRedisTestPrefix } from '../support/redis-test-prefix.ts';

describe('an approval decision racing a new message on its thread (Redis: approvals, run records, thread lock)', () => {
  const { prefix } = useRedisTestPrefix('approval-decision-race');
  itDecidesApprovalRacesOneWay({ REDIS_URL: redisTestUrl, REDIS_KEY_PREFIX: prefix }, 24);
});
