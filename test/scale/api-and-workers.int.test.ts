import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { startRedisTestServer, type RedisTestServer } from '../support/redis-test-server.ts';
import { printed, startServer, stopServer, type ServerProcess } from '../support/server-process.ts';

/*
 * Two API and two worker processes (`node --import tsx src/server.ts` with ROLE) on one private
 * redis-server, each with its own DATA_DIR: runs are queued on BullMQ, executed by a worker,
 * streamed through Redis Streams from any API process, cancelled across processes, and resumed
 * from their checkpoint when the executing worker is killed.
 */
interface Node {
  role: 'api' | 'worker';
  process: ServerProcess;
  url: string;
  dataDir: string;
}

let redis: RedisTestServer;
const nodes: Node[] = [];
const keyPrefix = `scale-${process.pid}-${Date.now()}:`;

async function startNode(role: 'api' | 'worker'): Promise<Node> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `overseer-${role}-`));
  const port = await freePort();
  const child = startServer({
    ROLE: role,
    PORT: String(port),
    DATA_DIR: dataDir,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: keyPrefix,
    RUN_LEASE_MS: '1000',
    LOG_LEVEL: 'warn',
  });
  await printed(child);
  const node = { role, process: child, url: `http://127.0.0.1:${port}`, dataDir };
  nodes.push(node);
  return node;
}

async function runRecord(url: string, threadId: string, runId: string) {
  const response = await fetch(`${url}/threads/${threadId}/runs/${runId}`);
  return (await response.json()) as { status: string; worker?: string; attempt?: number; resume_from?: string | null };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let api1: Node;
let api2: Node;
let workers: Node[];

beforeAll(async () => {
  redis = await startRedisTestServer();
  [api1, api2] = await Promise.all([startNode('api'), startNode('api')]);
  workers = await Promise.all([startNode('worker'), startNode('worker')]);
}, 120_000);

afterAll(async () => {
  await Promise.all(nodes.map((node) => stopServer(node.process)));
  await Promise.all(nodes.map((node) => rm(node.dataDir, { recursive: true, force: true })));
  await redis?.dispose();
}, 60_000);

describe('API and worker processes on one Redis', () => {
  it('streams a run from API 1 while a worker executes it, and rejoins through API 2 with Last-Event-ID', async () => {
    const client1 = new Client({ apiUrl: api1.url });
    const client2 = new Client({ apiUrl: api2.url });
    const thread = await client1.threads.create();
    const run = await client1.runs.create(thread.thread_id, 'slow', { input: { count: 6, delayMs: 150 }, streamMode: ['values'] });
    const seen: Array<{ id?: string; event: string }> = [];
    const first = client1.runs.joinStream(thread.thread_id, run.run_id);
    for await (const part of first) {
      seen.push({ id: (part as { id?: string }).id, event: part.event });
      if (part.event === 'values' && seen.filter((item) => item.event === 'values').length === 2) break;
    }
    const lastId = seen.at(-1)?.id;
    expect(lastId).toBeDefined();
    const rest: Array<{ id?: string; event: string; data: unknown }> = [];
    for await (const part of client2.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: lastId })) {
      rest.push({ id: (part as { id?: string }).id, event: part.event, data: part.data });
    }
    const ids = rest.map((part) => Number(part.id)).filter((id) => Number.isFinite(id));
    // Exactly what was missed: the next id on, no gap, no repeat.
    expect(ids[0]).toBe(Number(lastId) + 1);
    expect(ids).toEqual(ids.map((_, index) => ids[0]! + index));
    const final = rest.filter((part) => part.event === 'values').at(-1)?.data as { steps: string[] };
    expect(final.steps).toEqual(['step-1', 'step-2', 'step-3', 'step-4', 'step-5', 'step-6']);
    const record = await runRecord(api2.url, thread.thread_id, run.run_id);
    expect(record.status).toBe('success');
    // Executed by a worker, never by an API process.
    const workerPids = workers.map((worker) => String(worker.process.child.pid));
    expect(workerPids).toContain(record.worker?.split(':').at(-1));
  }, 60_000);

  it('cancels through API 2 a run executing on a worker', async () => {
    const client1 = new Client({ apiUrl: api1.url });
    const client2 = new Client({ apiUrl: api2.url });
    const thread = await client1.threads.create();
    const run = await client1.runs.create(thread.thread_id, 'slow', { input: { count: 50, delayMs: 100 } });
    await until(() => runRecord(api1.url, thread.thread_id, run.run_id), (record) => record.status === 'running');
    await client2.runs.cancel(thread.thread_id, run.run_id, true);
    const record = await runRecord(api1.url, thread.thread_id, run.run_id);
    expect(record.status).toBe('interrupted');
    const state = await client1.threads.getState<{ steps: string[] }>(thread.thread_id);
    expect(state.values.steps.length).toBeLessThan(50);
  }, 60_000);

  it('refuses the late writes of a worker paused past its lease, keeping its successor\'s run intact', async () => {
    const client = new Client({ apiUrl: api1.url });
    const thread = await client.threads.create();
    const count = 10;
    const run = await client.runs.create(thread.thread_id, 'slow', { input: { count, delayMs: 300 }, streamMode: ['custom'] });
    const started = await until(
      async () => ({ record: await runRecord(api1.url, thread.thread_id, run.run_id), state: await client.threads.getState<{ steps?: string[] }>(thread.thread_id) }),
      ({ record, state }) => record.status === 'running' && (state.values?.steps?.length ?? 0) >= 2,
    );
    const pid = started.record.worker?.split(':').at(-1);
    const paused = workers.find((worker) => String(worker.process.child.pid) === pid)!;
    expect(paused).toBeDefined();
    // Paused (as a GC pause or a partition would) past RUN_LEASE_MS: the other worker takes the run over.
    paused.process.child.kill('SIGSTOP');
    let finished;
    try {
      finished = await until(() => runRecord(api2.url, thread.thread_id, run.run_id), (record) => record.status === 'success', 45_000);
    } finally {
      paused.process.child.kill('SIGCONT');
    }
    expect(finished).toMatchObject({ status: 'success', attempt: 2, resume_from: 'checkpoint' });
    expect(finished.worker?.split(':').at(-1)).not.toBe(pid);
    const readEvents = async () => {
      const events: Array<{ id: number; event: string; data: unknown }> = [];
      for await (const part of client.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: '-1' })) {
        events.push({ id: Number((part as { id?: string }).id), event: part.event, data: part.data });
      }
      return events;
    };
    const before = { events: await readEvents(), history: (await client.threads.getHistory(thread.thread_id, { limit: 1_000 })).length };

    // Continued, the paused worker wakes in the middle of a step and tries to write: every write is refused.
    await until(async () => paused.process.stdout() + paused.process.stderr(), (logs) => logs.includes('late writes are refused'), 20_000);
    expect(paused.process.stdout() + paused.process.stderr()).toContain('late writes are refused');
    const after = { events: await readEvents(), history: (await client.threads.getHistory(thread.thread_id, { limit: 1_000 })).length };
    expect(after).toEqual(before);
    // One numbering, no gap, no repeat; each step's event once; two starts (attempt 1 and 2).
    expect(after.events.map((event) => event.id)).toEqual(after.events.map((_, index) => index));
    expect(after.events.filter((event) => event.event === 'custom').map((event) => (event.data as { progress: number }).progress)).toEqual(
      Array.from({ length: count }, (_, index) => index + 1),
    );
    expect(after.events.filter((event) => event.event === 'metadata').map((event) => (event.data as { attempt: number }).attempt)).toEqual([1, 2]);
    const state = await client.threads.getState<{ steps: string[] }>(thread.thread_id);
    expect(state.values.steps).toEqual(Array.from({ length: count }, (_, index) => `step-${index + 1}`));
    expect(await runRecord(api1.url, thread.thread_id, run.run_id)).toMatchObject({ status: 'success', attempt: 2, worker: finished.worker });
  }, 90_000);

  it('resumes a run from its checkpoint on the other worker when its worker is killed', async () => {
    const client = new Client({ apiUrl: api1.url });
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, 'slow', { input: { count: 8, delayMs: 200 } });
    const started = await until(
      async () => ({ record: await runRecord(api1.url, thread.thread_id, run.run_id), state: await client.threads.getState<{ steps?: string[] }>(thread.thread_id) }),
      ({ record, state }) => record.status === 'running' && (state.values?.steps?.length ?? 0) >= 2,
    );
    const pid = started.record.worker?.split(':').at(-1);
    const victim = workers.find((worker) => String(worker.process.child.pid) === pid)!;
    expect(victim).toBeDefined();
    victim.process.child.kill('SIGKILL');
    await victim.process.exited;
    const finished = await until(() => runRecord(api2.url, thread.thread_id, run.run_id), (record) => record.status === 'success', 45_000);
    expect(finished.status).toBe('success');
    expect(finished.attempt).toBe(2);
    expect(finished.resume_from).toBe('checkpoint');
    expect(finished.worker?.split(':').at(-1)).not.toBe(pid);
    const state = await client.threads.getState<{ steps: string[] }>(thread.thread_id);
    // From the checkpoint, not from the input again: every step once, in order.
    expect(state.values.steps).toEqual(['step-1', 'step-2', 'step-3', 'step-4', 'step-5', 'step-6', 'step-7', 'step-8']);
  }, 90_000);
});
