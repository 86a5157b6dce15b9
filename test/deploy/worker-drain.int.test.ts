import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { startRedisTestServer, type RedisTestServer } from '../support/redis-test-server.ts';
import { printed, startServer, stopServer, type ServerProcess } from '../support/server-process.ts';

// A worker pod scaled down or evicted gets SIGTERM: it takes no more jobs from the queue, lets
// its runs finish within SHUTDOWN_GRACE_SECONDS, and hands back what is left, which another
// worker resumes from its checkpoint.
describe('a worker draining on SIGTERM', () => {
  let redis: RedisTestServer;
  const started: ServerProcess[] = [];
  const directories: string[] = [];
  let api: string;

  async function start(role: 'api' | 'worker', environment: Record<string, string> = {}) {
    const dataDir = mkdtempSync(path.join(tmpdir(), `overseer-drain-${role}-`));
    directories.push(dataDir);
    const port = await freePort();
    const server = startServer({ ROLE: role, PORT: String(port), DATA_DIR: dataDir, REDIS_URL: redis.url, RUN_LEASE_MS: '1000', ...environment });
    started.push(server);
    await printed(server);
    return { server, url: `http://127.0.0.1:${port}`, pid: String(server.child.pid) };
  }

  const post = async (route: string, body: unknown) =>
    (await fetch(`${api}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, any>>;

  async function slowRun(input: { delayMs: number; count: number }) {
    const thread = await post('/threads', {});
    const run = await post(`/threads/${thread.thread_id}/runs`, { assistant_id: 'slow', input, config: { recursion_limit: 1_000 } });
    expect(run.status).toBe('pending');
    return { threadId: thread.thread_id as string, runId: run.run_id as string };
  }

  const record = async (run: { threadId: string; runId: string }) =>
    (await (await fetch(`${api}/threads/${run.threadId}/runs/${run.runId}`)).json()) as { status: string; worker?: string; attempt?: number };
  const workerPid = (value: { worker?: string }) => value.worker?.split(':').at(-1);

  beforeAll(async () => {
    redis = await startRedisTestServer();
    api = (await start('api')).url;
  }, 60_000);

  afterAll(async () => {
    for (const server of started) await stopServer(server);
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
    await redis?.dispose();
  }, 60_000);

  it('finishes its run, takes no new one, and exits 0; the next worker runs what was queued meanwhile', async () => {
    const draining = await start('worker', { SHUTDOWN_GRACE_SECONDS: '25' });
    const inFlight = await slowRun({ delayMs: 200, count: 15 });
    await expect.poll(async () => (await record(inFlight)).status, { timeout: 20_000 }).toBe('running');

    draining.server.child.kill('SIGTERM');
    await printed(draining.server, 'SIGTERM received: draining');
    expect((await fetch(`${draining.url}/ready`)).status).toBe(503);
    const queued = await slowRun({ delayMs: 10, count: 2 });

    expect(await draining.server.exited).toBe(0);
    expect(draining.server.stdout()).toContain('runs in flight finished');
    expect(await record(inFlight)).toMatchObject({ status: 'success' });
    expect(workerPid(await record(inFlight))).toBe(draining.pid);
    // Left in the queue by the draining worker, not started there.
    expect((await record(queued)).status).toBe('pending');

    const next = await start('worker');
    await expect.poll(async () => (await record(queued)).status, { timeout: 20_000 }).toBe('success');
    expect(workerPid(await record(queued))).toBe(next.pid);
    await stopServer(next.server);
  }, 120_000);

  it('hands back a run still in flight when SHUTDOWN_GRACE_SECONDS is over; another worker resumes it', async () => {
    const draining = await start('worker', { SHUTDOWN_GRACE_SECONDS: '1' });
    const inFlight = await slowRun({ delayMs: 200, count: 40 });
    await expect.poll(async () => (await record(inFlight)).status, { timeout: 20_000 }).toBe('running');

    draining.server.child.kill('SIGTERM');
    expect(await draining.server.exited).toBe(0);
    expect(draining.server.stdout()).toContain('grace period of 1 s over: handing the runs still in flight back to the queue');
    expect((await record(inFlight)).status).not.toBe('error');

    const next = await start('worker');
    await expect.poll(async () => (await record(inFlight)).status, { timeout: 30_000 }).toBe('success');
    const finished = await record(inFlight);
    expect(workerPid(finished)).toBe(next.pid);
    expect(finished.attempt).toBe(2);
    const values = (await (await fetch(`${api}/threads/${inFlight.threadId}/state`)).json()) as { values: { steps: string[] } };
    // Resumed from its checkpoint, not re-run from its input: every step once.
    expect(values.values.steps).toEqual(Array.from({ length: 40 }, (_, index) => `step-${index + 1}`));
  }, 120_000);
});
