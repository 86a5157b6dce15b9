import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { startRedisTestServer, type RedisTestServer } from '../support/redis-test-server.ts';
import { printed, startServer, stopServer, type ServerProcess } from '../support/server-process.ts';

/*
 * An API process and a worker process (RUN_CONCURRENCY=1) on one private redis-server: a run
 * that waits for the worker's only slot streams, through the API process, its `metadata` at once
 * and its place in the BullMQ queue until the worker starts it, in one numbering with the
 * worker's events.
 */
interface Part {
  id?: string;
  event: string;
  data: unknown;
}

let redis: RedisTestServer;
const processes: ServerProcess[] = [];
const dataDirs: string[] = [];
const keyPrefix = `queued-${process.pid}-${Date.now()}:`;
let apiUrl: string;

async function startNode(role: 'api' | 'worker'): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `overseer-${role}-`));
  dataDirs.push(dataDir);
  const port = await freePort();
  const child = startServer({
    ROLE: role, PORT: String(port), DATA_DIR: dataDir, REDIS_URL: redis.url, REDIS_KEY_PREFIX: keyPrefix,
    RUN_CONCURRENCY: '1', LOG_LEVEL: 'warn',
  });
  processes.push(child);
  await printed(child);
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  redis = await startRedisTestServer();
  [apiUrl] = await Promise.all([startNode('api'), startNode('worker')]);
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((child) => stopServer(child)));
  await Promise.all(dataDirs.map((dataDir) => rm(dataDir, { recursive: true, force: true })));
  await redis?.dispose();
}, 60_000);

describe('a queued run\'s stream across processes', () => {
  it('streams metadata at once and the run\'s queue position from the API process until the worker starts it', async () => {
    const client = new Client({ apiUrl });
    const busy = await client.threads.create();
    await client.runs.create(busy.thread_id, 'slow', { input: { count: 6, delayMs: 300 } });
    const thread = await client.threads.create();
    const parts: Part[] = [];
    for await (const part of client.runs.stream(thread.thread_id, 'slow', { input: { count: 2, delayMs: 1 }, streamMode: ['values'] }) as AsyncIterable<Part>) {
      parts.push(part);
    }
    expect(parts[0]).toMatchObject({ event: 'metadata', data: { attempt: 1 } });
    const firstValues = parts.findIndex((part) => part.event === 'values');
    expect(firstValues).toBeGreaterThan(1);
    const statuses = parts.slice(1, firstValues).filter((part) => part.event === 'status').map((part) => part.data as Record<string, unknown>);
    expect(statuses.length).toBeGreaterThanOrEqual(1);
    expect(statuses[0]).toMatchObject({ status: 'queued', waiting_for: 'worker', position: 0 });
    expect(parts.slice(firstValues).some((part) => part.event === 'status')).toBe(false);
    // The API process's events and the worker's share one numbering, with no gap and no repeat.
    const ids = parts.map((part) => Number(part.id));
    expect(ids).toEqual(ids.map((_, index) => index));
    expect((parts.filter((part) => part.event === 'values').at(-1)!.data as { steps: string[] }).steps).toEqual(['step-1', 'step-2']);
  }, 60_000);
});
