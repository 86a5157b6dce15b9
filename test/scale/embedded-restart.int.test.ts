import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { printed, startServer, stopServer, type ServerProcess } from '../support/server-process.ts';

/*
 * The embedded mode (no Redis, one process): a server killed with SIGKILL mid-run and started
 * again on the same data directory takes its unfinished run up again and finishes it from the
 * run's last checkpoint, not from its input.
 */
let dataDir: string | undefined;
const servers: ServerProcess[] = [];

afterAll(async () => {
  await Promise.all(servers.map((server) => stopServer(server)));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 30_000);

async function start(port: number): Promise<ServerProcess> {
  const server = startServer({ PORT: String(port), DATA_DIR: dataDir!, LOG_LEVEL: 'warn' });
  servers.push(server);
  await printed(server);
  return server;
}

describe('an embedded server restarted after a crash', () => {
  it('resumes its unfinished run from the checkpoint and completes it', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'overseer-embedded-'));
    const port = await freePort();
    const first = await start(port);
    const client = new Client({ apiUrl: `http://127.0.0.1:${port}` });
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, 'slow', { input: { count: 6, delayMs: 200 } });
    for (;;) {
      const state = await client.threads.getState<{ steps?: string[] }>(thread.thread_id);
      if ((state.values?.steps?.length ?? 0) >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await start(port);
    await printed(second, 'resumed from their last checkpoint');
    const finished = await client.runs.join(thread.thread_id, run.run_id);
    const record = await client.runs.get(thread.thread_id, run.run_id) as unknown as { status: string; attempt?: number; resume_from?: string };
    expect(record.status).toBe('success');
    expect(record.attempt).toBe(2);
    expect(record.resume_from).toBe('checkpoint');
    // Every step once: continued from the checkpoint, never started over from the input.
    expect((finished as { steps: string[] }).steps).toEqual(['step-1', 'step-2', 'step-3', 'step-4', 'step-5', 'step-6']);
  }, 60_000);
});
