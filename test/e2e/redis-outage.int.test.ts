import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisTestServer, type RedisTestServer } from '../../src/checkpoint/redis-test-server.ts';
import { createTestHarness, parseSse, userMessage, type TestHarness } from '../support/test-services.ts';

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

  it('runs on Redis checkpoints while Redis is up', async () => {
    const response = await harness.post('/runs/wait', question);
    expect(response.status).toBe(200);
    expect(harness.services.checkpointer.constructor.name).toBe('RedisCheckpointSaver');
  });

  it('answers 503 STORAGE_ERROR while Redis hangs, and keeps serving', async () => {
    redis.pause();
    try {
      const response = await harness.post('/runs/wait', question);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('STORAGE_ERROR');
      expect(body.error.message).toMatch(/^(Checkpoint|Run) store unavailable$/);

      // Run records live in Redis too, so creating the streamed run fails before any event.
      const stream = await harness.post('/runs/stream', question);
      if (stream.headers.get('content-type')?.includes('text/event-stream')) {
        expect(parseSse(await stream.text()).at(-1)).toMatchObject({ event: 'error', data: { error: 'STORAGE_ERROR' } });
      } else {
        expect(stream.status).toBe(503);
      }

      expect((await harness.app.request('/ok')).status).toBe(200);
    } finally {
      redis.resume();
    }
  });

  it('answers 503 while Redis is down and recovers after a restart', async () => {
    await redis.kill();
    const failed = await harness.post('/runs/wait', question);
    expect(failed.status).toBe(503);
    await redis.restart();
    let recovered: Response | undefined;
    for (let attempt = 0; attempt < 20; attempt += 1) {
      recovered = await harness.post('/runs/wait', question);
      if (recovered.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(recovered!.status).toBe(200);
    const state = (await recovered!.json()) as { messages: Array<{ content: string }> };
    expect(state.messages.at(-1)!.content).toMatch(/24 months/);
  });
});
