import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';
import { createRedisProcessLease } from './redis-process-lease.ts';

const { client, uniquePrefix } = useRedisTestPrefix('process-lease');
const uniqueKey = () => `${uniquePrefix()}lease`;

describe('Redis process lease', () => {
  it('shows each replica the live others, and forgets one that released', async () => {
    const key = uniqueKey();
    const first = createRedisProcessLease({ client, key });
    const second = createRedisProcessLease({ client, key, identity: { pid: 4242, hostname: 'other-host' } });
    expect(await first.acquire()).toEqual([]);
    expect((await second.acquire()).map((holder) => [holder.pid, holder.hostname])).toEqual([[process.pid, hostname()]]);
    await first.release();
    const third = createRedisProcessLease({ client, key, identity: { pid: 5353, hostname: 'third-host' } });
    expect((await third.acquire()).map((holder) => [holder.pid, holder.hostname])).toEqual([[4242, 'other-host']]);
    await second.release();
    await third.release();
    expect(await client.zcard(key)).toBe(0);
  });

  it('ignores a registration that ran out and one of an exited process on this host', async () => {
    const key = uniqueKey();
    await client.zadd(key, 1, JSON.stringify({ ownerId: 'expired', pid: 1, hostname: 'other-host' }));
    const exited = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid as number;
    await client.zadd(key, Date.now() + 60_000, JSON.stringify({ ownerId: 'exited', pid: exited, hostname: hostname() }));
    const lease = createRedisProcessLease({ client, key });
    expect(await lease.acquire()).toEqual([]);
    // Both are gone from the set; only this process is registered.
    expect((await client.zrange(key, '0', '-1')).map((member) => JSON.parse(member).pid)).toEqual([process.pid]);
    await lease.release();
  });
});
