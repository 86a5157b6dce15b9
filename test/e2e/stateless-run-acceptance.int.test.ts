import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullmqConnection } from '../../src/runs/bullmq-connection.ts';
import type { RunRecord } from '../../src/runs/index.ts';
import { startRedisTestServer, type RedisTestServer } from '../support/redis-test-server.ts';
import { createTestHarness, userMessage, type TestHarness } from '../support/test-services.ts';

// A stateless run's job carries its record, and BullMQ queues its `add` through an outage: the
// run must not execute once its creator was answered 503, or a client that retried gets it twice.
describe('stateless runs whose creation failed in a Redis outage', () => {
  let redis: RedisTestServer;
  let harness: TestHarness;
  let queue: Queue;
  let client: Redis;
  const keyPrefix = `overseer-acceptance-${process.pid}:`;
  const question = { assistant_id: 'supervisor', input: userMessage('How long is the warranty on electronics?') };

  beforeAll(async () => {
    redis = await startRedisTestServer();
    harness = await createTestHarness({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: keyPrefix });
    queue = new Queue('runs', bullmqConnection(redis.url, keyPrefix));
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    await queue?.close();
    client?.disconnect();
    await harness?.close();
    await redis?.dispose();
  });

  /** Until the run's job has left the queue: executed, or dropped by the worker. */
  async function jobGone(runId: string) {
    for (let attempt = 0; attempt < 400; attempt += 1) {
      if (!(await queue.getJob(runId))) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the job of run ${runId} is still queued`);
  }

  const startedRecords = async (runId: string) =>
    harness.services.audit.query({ tenantId: 'default', runId });

  it('runs a stateless run while Redis is up (the control)', async () => {
    const response = await harness.post('/runs/wait', question);
    expect(response.status).toBe(200);
  });

  it('executes an accepted stateless run that a worker takes after the acceptance window (a delayed job)', async () => {
    // Taken 4 s after it was queued, past its 3 s window: accepted is accepted, however long it waited.
    const response = await harness.post('/runs', { ...question, after_seconds: 4 });
    expect(response.status).toBe(200);
    const { run_id: runId } = (await response.json()) as { run_id: string };
    await harness.services.runs.join('default', runId);
    expect((await startedRecords(runId)).map((record) => record.type)).toContain('run.started');
  });

  it('never executes a stateless run answered 503 while Redis hung, and still executes the next ones', async () => {
    const created: RunRecord[] = [];
    const stop = harness.services.runs.onRunCreated((run) => created.push(run));
    redis.pause();
    let refused: Response;
    try {
      refused = await harness.post('/runs/wait', question);
    } finally {
      redis.resume();
      stop();
    }
    expect(created).toHaveLength(1);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('STORAGE_ERROR');

    // Valid runs still run once Redis is back: one waited for, one in the background.
    expect((await harness.post('/runs/wait', question)).status).toBe(200);
    const background = await harness.post('/runs', question);
    expect(background.status).toBe(200);
    const { run_id: backgroundId } = (await background.json()) as { run_id: string };
    await harness.services.runs.join('default', backgroundId);
    expect((await startedRecords(backgroundId)).map((record) => record.type)).toContain('run.started');

    // Whatever reached the queue of the refused run has been dealt with by the worker by now.
    for (const run of created) {
      await jobGone(run.run_id);
      expect(await startedRecords(run.run_id)).toEqual([]);
      expect(await client.exists(`${keyPrefix}run-events:{${encodeURIComponent(run.run_id)}}`)).toBe(0);
    }
  });
});
