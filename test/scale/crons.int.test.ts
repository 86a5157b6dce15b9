import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { startRedisTestServer, type RedisTestServer } from '../support/redis-test-server.ts';
import { printed, startServer, stopServer, type ServerProcess } from '../support/server-process.ts';

/*
 * A per-second cron with one API and two worker processes (`node --import tsx src/server.ts`)
 * on a private redis-server: BullMQ's job scheduler makes one job per tick, so every tick makes
 * exactly one run whichever worker takes it, and the schedule lives in Redis, so it goes on
 * after both workers are restarted.
 */
interface Node {
  process: ServerProcess;
  url: string;
  dataDir: string;
}

interface CronRun {
  run_id: string;
  metadata: { cron_id?: string; cron_scheduled_at?: string };
}

let redis: RedisTestServer;
const started: Node[] = [];
const keyPrefix = `crons-${process.pid}-${Date.now()}:`;

async function startNode(role: 'api' | 'worker'): Promise<Node> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `overseer-cron-${role}-`));
  const port = await freePort();
  const child = startServer({ ROLE: role, PORT: String(port), DATA_DIR: dataDir, REDIS_URL: redis.url, REDIS_KEY_PREFIX: keyPrefix, LOG_LEVEL: 'warn' });
  await printed(child);
  const node = { process: child, url: `http://127.0.0.1:${port}`, dataDir };
  started.push(node);
  return node;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms; last value: ${JSON.stringify(value).slice(0, 800)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** How many runs each scheduled tick made. */
function runsPerTick(runs: CronRun[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.metadata.cron_scheduled_at!, (counts.get(run.metadata.cron_scheduled_at!) ?? 0) + 1);
  return counts;
}

let api: Node;
let workers: Node[];

beforeAll(async () => {
  redis = await startRedisTestServer();
  api = await startNode('api');
  workers = await Promise.all([startNode('worker'), startNode('worker')]);
}, 120_000);

afterAll(async () => {
  await Promise.all(started.map((node) => stopServer(node.process)));
  await Promise.all(started.map((node) => rm(node.dataDir, { recursive: true, force: true })));
  await redis?.dispose();
}, 60_000);

describe('a cron with two workers on one Redis', () => {
  it('fires each tick exactly once, on a worker, and goes on after both workers restart', async () => {
    const client = new Client({ apiUrl: api.url });
    const thread = await client.threads.create();
    const cron = await client.crons.createForThread(thread.thread_id, 'slow', { schedule: '* * * * * *', input: { count: 1, delayMs: 5 }, multitaskStrategy: 'enqueue' });
    const cronRuns = async () => ((await client.runs.list(thread.thread_id, { limit: 200 })) as unknown as CronRun[]).filter((run) => run.metadata.cron_id === cron.cron_id);

    const before = await until(cronRuns, (runs) => runsPerTick(runs).size >= 5);
    const counts = runsPerTick(before);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    // Every second from the first tick to the last fired: none lost between the two workers.
    const ticks = [...counts.keys()].map(Date.parse).sort((left, right) => left - right);
    expect(ticks.at(-1)! - ticks[0]!).toBe((ticks.length - 1) * 1_000);
    // Fired by the workers, never by the API process.
    const workerPids = workers.map((worker) => String(worker.process.child.pid));
    for (const run of before.slice(-3)) {
      const runRecord = async () => (await (await fetch(`${api.url}/threads/${thread.thread_id}/runs/${run.run_id}`)).json()) as { status: string; worker?: string };
      const record = await until(runRecord, (found) => found.status === 'success');
      expect(workerPids).toContain(record.worker?.split(':').at(-1));
    }

    await Promise.all(workers.map((worker) => stopServer(worker.process)));
    workers = await Promise.all([startNode('worker'), startNode('worker')]);
    const restartedAt = Date.now();
    const after = await until(cronRuns, (runs) => runs.filter((run) => Date.parse(run.metadata.cron_scheduled_at!) > restartedAt).length >= 3);
    expect([...runsPerTick(after).values()].every((count) => count === 1)).toBe(true);
    expect(after.length).toBe(runsPerTick(after).size);

    await client.crons.delete(cron.cron_id);
    expect(await client.crons.count({ threadId: thread.thread_id })).toBe(0);
  }, 150_000);
});
