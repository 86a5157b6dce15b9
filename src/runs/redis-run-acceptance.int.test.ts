import { describe, expect, it } from 'vitest';
import { useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';
import { createRedisRunAcceptance } from './redis-run-acceptance.ts';

describe('RedisRunAcceptance', () => {
  const { client, prefix } = useRedisTestPrefix('run-acceptance');
  const acceptance = createRedisRunAcceptance({ client, keyPrefix: prefix });
  const later = () => Date.now() + 60_000;

  it('keeps the first decision: an accepted run cannot be abandoned, an abandoned one cannot be accepted', async () => {
    expect(await acceptance.accept('run-a', later())).toBe('accepted');
    expect(await acceptance.abandon('run-a', later())).toBe('accepted');
    expect(await acceptance.decision('run-a', later())).toBe('accepted');
    expect(await acceptance.abandon('run-b', later())).toBe('abandoned');
    expect(await acceptance.accept('run-b', later())).toBe('abandoned');
  });

  it('leaves a run undecided until its deadline, and abandons it once the deadline passed', async () => {
    expect(await acceptance.decision('run-c', later())).toBeUndefined();
    const passed = Date.now() - 1_000;
    expect(await acceptance.accept('run-d', passed)).toBe('abandoned');
    expect(await acceptance.decision('run-e', passed)).toBe('abandoned');
    expect(await acceptance.accept('run-e', later())).toBe('abandoned');
  });

  it('decides each run once when accept and abandon race', async () => {
    for (let index = 0; index < 50; index += 1) {
      const runId = `race-${index}`;
      const [accepted, abandoned] = await Promise.all([acceptance.accept(runId, later()), acceptance.abandon(runId, later())]);
      expect(accepted).toBe(abandoned);
      expect(await acceptance.decision(runId, later())).toBe(accepted);
    }
  });
});
