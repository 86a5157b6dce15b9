import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisTestServer, type RedisTestServer } from '../support/redis-test-server.ts';
import { createTestHarness, userMessage, type TestHarness } from '../support/test-services.ts';

// The service on Redis checkpoints keeps serving through a Redis outage: runs fail with a
// clear 503 STORAGE_ERROR while it is gone, and work again once it is back.
describe('service with REDIS_URL through a Redis outage', () => {
  let redis: RedisTestServer;
  let harness: TestHarness;
  const question = { assistant_id: 'supervisor', input: userMessage('How long is the warranty on electronics?') };

  beforeAll(async () => {
    redis = await startRedisTestServer();
    harness = await createTestHarness({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: `overseer-test-${process.pid}:` });
  });
  afterAll(async () => {
    await harness?.close();
    await redis?.dispose();
  });

  let threadId: string;
  const threadRun = () => harness.post(`/threads/${threadId}/runs/wait`, question);

  it('runs on Redis checkpoints and run records while Redis is up', async () => {
    expect(harness.services.checkpointer.constructor.name).toBe('RedisCheckpointSaver');
    const thread = (await (await harness.post('/threads', {})).json()) as { thread_id: string };
    threadId = thread.thread_id;
    expect((await threadRun()).status).toBe(200);
  });

  it('answers 503 STORAGE_ERROR for thread work while Redis hangs, and keeps serving', async () => {
    redis.pause();
    try {
      const response = await threadRun();
      expect(response.status).toBe(503);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('STORAGE_ERROR');
      expect(body.error.message).toMatch(/^(Checkpoint|Run) store unavailable$/);
      expect((await harness.app.request(`/threads/${threadId}/state`)).status).toBe(503);
      // Even a stateless run needs Redis (its queue, events and audit trail): an outage, never a 500.
      const stateless = await harness.post('/runs/wait', question);
      expect(stateless.status).toBe(503);
      expect(((await stateless.json()) as { error: { code: string } }).error.code).toBe('STORAGE_ERROR');
      expect((await harness.app.request('/ok')).status).toBe(200);
    } finally {
      redis.resume();
    }
  });

  it('answers 503 while Redis is down, and after a restart the thread goes on from its last checkpoint', async () => {
    await redis.kill();
    expect((await threadRun()).status).toBe(503);
    await redis.restart();
    let recovered: Response | undefined;
    for (let attempt = 0; attempt < 20; attempt += 1) {
      recovered = await threadRun();
      if (recovered.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(recovered!.status).toBe(200);
    const state = (await recovered!.json()) as { messages: Array<{ type: string; content: string }> };
    // The first turn survived the outage: nothing lost, nothing doubled.
    expect(state.messages.map((message) => message.type)).toEqual(['human', 'ai', 'human', 'ai']);
    expect(state.messages.at(-1)!.content).toMatch(/24 months/);
  });
});
