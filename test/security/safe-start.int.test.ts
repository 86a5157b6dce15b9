import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisRunRepository } from '../../src/runs/index.ts';
import { freePort } from '../support/free-port.ts';
import { deleteKeysMatching } from '../support/redis-keys.ts';
import { printed, startServer, stopServer, type ServerProcess } from '../support/server-process.ts';

// Two servers on one Redis (run records there), each with its own data directory: the second
// serves beside the first, and leaves the first one's live run alone.
describe('a second server on the same Redis', () => {
  const client = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const keyPrefix = `test:safe-start:${randomUUID()}:`;
  const started: ServerProcess[] = [];
  const directories: string[] = [];
  const serverOn = async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'overseer-safe-start-redis-'));
    directories.push(dataDir);
    const port = await freePort();
    const server = startServer({ DATA_DIR: dataDir, PORT: String(port), REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: keyPrefix });
    started.push(server);
    return { server, base: `http://127.0.0.1:${port}` };
  };

  afterAll(async () => {
    for (const server of started) await stopServer(server);
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
    await deleteKeysMatching(client, `${keyPrefix}*`);
    await client.quit();
  });

  it('starts, says it shares the store, and neither resumes nor settles the first server\'s run, which finishes there', async () => {
    const first = await serverOn();
    await printed(first.server);
    const thread = (await (await fetch(`${first.base}/threads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { thread_id: string };
    // Longer than the second server takes to start, short enough to finish on its own.
    const created = await fetch(`${first.base}/threads/${thread.thread_id}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assistant_id: 'slow', input: { delayMs: 200, count: 100 }, config: { recursion_limit: 1_000 } }),
    });
    expect(created.status).toBe(200);
    const { run_id: runId } = (await created.json()) as { run_id: string };
    const repository = createRedisRunRepository({ client, keyPrefix: `${keyPrefix}runs:` });
    const stored = async () => {
      const run = await repository.getRun('default', runId);
      return run && { status: run.status, attempt: run.attempt, worker: run.worker };
    };
    const onFirst = `${hostname()}:${first.server.child.pid}`;
    while ((await stored())?.status !== 'running') await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await stored()).toEqual({ status: 'running', attempt: 1, worker: onFirst });

    const second = await serverOn();
    await printed(second.server, 'other Overseer process(es) share this Redis');
    expect(second.server.stderr()).toBe('');
    expect(second.server.stdout()).not.toMatch(/resumed from their last checkpoint/);
    // Not settled, not taken up as a next attempt: still the first server's first attempt.
    expect(await stored()).toEqual({ status: 'running', attempt: 1, worker: onFirst });
    expect((await repository.getThread('default', thread.thread_id))?.status).toBe('busy');

    // The first server carries it to its end: every step once, still its first attempt there.
    const joined = await fetch(`${first.base}/threads/${thread.thread_id}/runs/${runId}/join`);
    expect(joined.status).toBe(200);
    expect(((await joined.json()) as { steps: string[] }).steps).toEqual(Array.from({ length: 100 }, (_, index) => `step-${index + 1}`));
    expect(await stored()).toEqual({ status: 'success', attempt: 1, worker: onFirst });
    expect((await repository.getThread('default', thread.thread_id))?.status).toBe('idle');
    expect(first.server.stderr()).toBe('');
  }, 240_000);
});
