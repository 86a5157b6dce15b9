import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { printed, startServer, stopServer, type ServerProcess } from '../support/server-process.ts';

// SIGTERM, as Kubernetes sends it: the process leaves the rotation at once (/ready 503), takes
// no new run, lets the runs in flight finish within SHUTDOWN_GRACE_SECONDS, and exits 0.
describe('graceful drain on SIGTERM', () => {
  const started: ServerProcess[] = [];
  const directories: string[] = [];

  afterAll(async () => {
    for (const server of started) await stopServer(server);
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  async function serve(environment: Record<string, string> = {}, dataDir = mkdtempSync(path.join(tmpdir(), 'overseer-drain-'))) {
    directories.push(dataDir);
    const port = await freePort();
    const server = startServer({ DATA_DIR: dataDir, PORT: String(port), ...environment });
    started.push(server);
    await printed(server);
    const base = `http://127.0.0.1:${port}`;
    const post = (route: string, body: unknown) =>
      fetch(`${base}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { server, base, post, dataDir };
  }

  async function startSlowRun(post: (route: string, body: unknown) => Promise<Response>, input: { delayMs: number; count: number }) {
    const thread = (await (await post('/threads', {})).json()) as { thread_id: string };
    const created = await post(`/threads/${thread.thread_id}/runs`, { assistant_id: 'slow', input, config: { recursion_limit: 1_000 } });
    expect(created.status).toBe(200);
    const { run_id: runId } = (await created.json()) as { run_id: string };
    return { threadId: thread.thread_id, runId };
  }

  it('answers /ready 503 at once, refuses a new run, lets the run in flight finish, and exits 0', async () => {
    const { server, base, post } = await serve({ SHUTDOWN_GRACE_SECONDS: '25' });
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const { threadId, runId } = await startSlowRun(post, { delayMs: 250, count: 12 });
    // Joined before the signal: the answer comes on a connection the drain keeps open.
    const joined = fetch(`${base}/threads/${threadId}/runs/${runId}/join`).then(async (response) => ({ status: response.status, body: await response.json() }));

    server.child.kill('SIGTERM');
    await printed(server, 'SIGTERM received: draining');
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, draining: true });
    expect((await fetch(`${base}/ok`)).status).toBe(200);

    const refused = await post('/runs/wait', { assistant_id: 'slow', input: { delayMs: 1, count: 1 } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('SERVER_DRAINING');
    // Reads of the run in flight still work while it drains.
    const during = (await (await fetch(`${base}/threads/${threadId}/runs/${runId}`)).json()) as { status: string };
    expect(['pending', 'running']).toContain(during.status);

    const result = await joined;
    expect(result.status).toBe(200);
    expect((result.body as { steps: string[] }).steps).toHaveLength(12);
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toContain('runs in flight finished; shutting down');
    expect(server.stderr()).toBe('');
  }, 120_000);

  it('interrupts what is still running when SHUTDOWN_GRACE_SECONDS is over, and still exits 0', async () => {
    const { server, base, post, dataDir } = await serve({ SHUTDOWN_GRACE_SECONDS: '1' });
    const { threadId, runId } = await startSlowRun(post, { delayMs: 200, count: 500 });
    const runUrl = `/threads/${threadId}/runs/${runId}`;
    await expect.poll(async () => ((await (await fetch(`${base}${runUrl}`)).json()) as { status: string }).status).toBe('running');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toContain('grace period of 1 s over: interrupting the runs still in flight');

    // Settled by the process that ran it, not left for the next one to call an error.
    const next = await serve({}, dataDir);
    expect(((await (await fetch(`${next.base}${runUrl}`)).json()) as { status: string }).status).toBe('interrupted');
    expect(next.server.stdout()).not.toContain('left pending or running by a stopped process');
  }, 120_000);
});
