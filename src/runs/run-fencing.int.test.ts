import { randomUUID } from 'node:crypto';
import { emptyCheckpoint } from '@langchain/langgraph-checkpoint';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisCheckpointSaver } from '../checkpoint/index.ts';
import { fenceConfigKey, type RunFence } from '../storage/index.ts';
import { createRedisEffectLedger } from '../tools/redis-effect-ledger.ts';
import { redisTestUrl, useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';
import { createRedisEventBus } from './redis-event-bus.ts';
import { createRedisRunClaims } from './redis-run-claims.ts';
import { createRedisRunRepository } from './redis-run-repository.ts';
import type { RunRecord } from './run-records.ts';

/*
 * A worker whose claim was taken over (paused past its lease, here simply holding an older
 * fence) writes nothing for the run afterwards: checkpoint puts and pending writes, the run
 * record, the thread record, stream events and ledger claims are each refused in the same
 * atomic step that would have written them, and the successor's writes stand.
 */
const { client, prefix } = useRedisTestPrefix('fencing');
// The event bus and run claims listen on a connection of their own.
const subscriber = new Redis(redisTestUrl);
afterAll(() => {
  subscriber.disconnect();
});

const withFence = (fence: RunFence, threadId: string) => ({ configurable: { thread_id: threadId, checkpoint_ns: '', [fenceConfigKey]: fence } });

describe('fenced writes of a run', () => {
  it('refuses every write of a worker whose claim was superseded, and keeps the successor\'s', async () => {
    const claims = createRedisRunClaims({ client, subscriber, keyPrefix: prefix });
    const saver = new RedisCheckpointSaver({ client, keyPrefix: `${prefix}checkpoint` });
    const repository = createRedisRunRepository({ client, keyPrefix: `${prefix}runs:` });
    const bus = createRedisEventBus({ client, subscriber, keyPrefix: prefix });
    const ledger = createRedisEffectLedger({ client, keyPrefix: prefix });
    const runId = randomUUID();
    const threadId = `thread-${runId}`;
    const now = new Date().toISOString();
    await repository.createThread({ thread_id: threadId, tenant_id: 'default', created_at: now, updated_at: now, metadata: {}, status: 'busy', values: null, interrupts: {} });
    const run: RunRecord = {
      run_id: runId, thread_id: threadId, assistant_id: 'slow', tenant_id: 'default', created_at: now, updated_at: now,
      status: 'pending', metadata: {}, multitask_strategy: 'reject',
      kwargs: { config: {}, stream_mode: ['values'], subgraphs: false, temporary: false, on_disconnect: 'continue' },
    };
    await repository.putRun(run);

    const stale = await claims.claim(runId);
    await repository.updateRun(runId, { status: 'running', attempt: 1 }, stale);
    await bus.attach!(runId, stale);
    bus.publish(runId, { event: 'values', data: { by: 'first' } });
    await bus.flush!(runId);
    const firstCheckpoint = { ...emptyCheckpoint(), id: '1f000000-0000-6000-8000-000000000001' };
    await saver.put(withFence(stale, threadId), firstCheckpoint, { source: 'loop', step: 0, parents: {} }, {});

    // The first worker pauses past its lease; another claims the run and carries on.
    const current = await claims.claim(runId);
    expect(current.token).toBeGreaterThan(stale.token);
    await repository.updateRun(runId, { status: 'running', attempt: 2 }, current);

    // The paused worker wakes up and tries to write.
    const lateCheckpoint = { ...emptyCheckpoint(), id: '1f000000-0000-6000-8000-000000000002' };
    await expect(saver.put(withFence(stale, threadId), lateCheckpoint, { source: 'loop', step: 1, parents: {} }, {})).rejects.toMatchObject({ code: 'RUN_FENCED' });
    await expect(saver.putWrites({ configurable: { ...withFence(stale, threadId).configurable, checkpoint_id: firstCheckpoint.id } }, [['steps', ['late']]], 'task-1')).rejects.toMatchObject({ code: 'RUN_FENCED' });
    await expect(repository.updateRun(runId, { status: 'error', error: { code: 'INTERNAL', message: 'late' } }, stale)).rejects.toMatchObject({ code: 'RUN_FENCED' });
    await expect(repository.updateThread('default', threadId, { status: 'error' }, stale)).rejects.toMatchObject({ code: 'RUN_FENCED' });
    await expect(ledger.begin('refund-1', { toolName: 'issue_refund', argsHash: 'hash', tenantId: 'default', fence: stale })).rejects.toMatchObject({ code: 'RUN_FENCED' });
    bus.publish(runId, { event: 'values', data: { by: 'late' } });
    await expect(bus.flush!(runId)).rejects.toMatchObject({ code: 'RUN_FENCED' });

    // Nothing of the late writes landed: the run, thread, checkpoints, ledger and stream are the successor's.
    expect(await repository.getRun('default', runId)).toMatchObject({ status: 'running', attempt: 2 });
    expect((await repository.getThread('default', threadId))?.status).toBe('busy');
    expect((await saver.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: '' } }))?.checkpoint.id).toBe(firstCheckpoint.id);
    expect((await saver.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: '', checkpoint_id: firstCheckpoint.id } }))?.pendingWrites).toEqual([]);
    expect(await ledger.get('refund-1')).toBeUndefined();
    expect(await ledger.begin('refund-1', { toolName: 'issue_refund', argsHash: 'hash', tenantId: 'default', fence: current })).toEqual({ state: 'new' });

    // The successor continues the stream's numbering after the first worker's events.
    const successorBus = createRedisEventBus({ client, subscriber, keyPrefix: prefix });
    await successorBus.attach!(runId, current);
    successorBus.publish(runId, { event: 'values', data: { by: 'successor' } });
    successorBus.end(runId);
    await successorBus.flush!(runId);
    const events = [];
    for await (const event of successorBus.subscribe(runId)) events.push(event);
    expect(events).toEqual([
      { id: 0, event: 'values', data: { by: 'first' } },
      { id: 1, event: 'values', data: { by: 'successor' } },
    ]);
    await claims.close();
  });
});
