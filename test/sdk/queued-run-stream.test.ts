import path from 'node:path';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/langgraph.json');

interface Part {
  id?: string;
  event: string;
  data: unknown;
}

interface QueuedStatus {
  run_id: string;
  status: string;
  waiting_for: string;
  position: number | null;
  waited_ms: number;
}

async function collect(parts: AsyncIterable<Part>): Promise<Part[]> {
  const seen: Part[] = [];
  for await (const part of parts) seen.push(part);
  return seen;
}

/** The run's stream in order: `metadata` first, then queued `status` events, all before the run's first values. */
function expectQueuedBeforeValues(parts: Part[], runId: string | undefined, waitingFor: string): QueuedStatus[] {
  expect(parts[0]).toMatchObject({ event: 'metadata', data: { attempt: 1 } });
  if (runId) expect((parts[0]!.data as { run_id: string }).run_id).toBe(runId);
  const firstValues = parts.findIndex((part) => part.event === 'values');
  expect(firstValues).toBeGreaterThan(1);
  const statuses = parts.slice(1, firstValues).filter((part) => part.event === 'status').map((part) => part.data as QueuedStatus);
  expect(statuses.length).toBeGreaterThanOrEqual(1);
  for (const status of statuses) expect(status).toMatchObject({ status: 'queued', waiting_for: waitingFor });
  // Nothing after the first values is a queued status: they stop once the run starts.
  expect(parts.slice(firstValues).some((part) => part.event === 'status')).toBe(false);
  // One numbering for the creator's events and the worker's.
  const ids = parts.map((part) => Number(part.id));
  expect(ids).toEqual(ids.map((_, index) => index));
  return statuses;
}

describe('a queued run\'s stream (embedded, RUN_CONCURRENCY=1)', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer({ LANGGRAPH_CONFIG: fixtures, RUN_CONCURRENCY: '1' });
    client = new Client({ apiUrl: server.url });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sends metadata at once, then its place in the queue until a slot frees, then the run', async () => {
    const busy = await client.threads.create();
    const occupying = await client.runs.create(busy.thread_id, 'slow', { input: { count: 6, delayMs: 250 } });
    const thread = await client.threads.create();
    const parts = await collect(client.runs.stream(thread.thread_id, 'slow', { input: { count: 1, delayMs: 1 }, streamMode: ['values'] }) as AsyncIterable<Part>);

    const statuses = expectQueuedBeforeValues(parts, undefined, 'worker');
    expect(statuses[0]!.position).toBe(0);
    const waited = statuses.map((status) => status.waited_ms);
    expect(waited).toEqual([...waited].sort((left, right) => left - right));
    // It started only once the occupying run had finished.
    expect((await client.runs.get(busy.thread_id, occupying.run_id)).status).toBe('success');
    expect((parts.filter((part) => part.event === 'values').at(-1)!.data as { steps: string[] }).steps).toEqual(['step-1']);
  }, 30_000);

  it('tells a run queued behind its own thread\'s run that it waits for the thread', async () => {
    const thread = await client.threads.create();
    await client.runs.create(thread.thread_id, 'slow', { input: { count: 4, delayMs: 250 } });
    const second = await client.runs.create(thread.thread_id, 'slow', { input: { count: 5, delayMs: 1 }, multitaskStrategy: 'enqueue' });
    const parts = await collect(client.runs.joinStream(thread.thread_id, second.run_id, { streamMode: ['values'] }) as AsyncIterable<Part>);
    const statuses = expectQueuedBeforeValues(parts, second.run_id, 'thread');
    // One run ahead of it: the thread's running one.
    expect(statuses[0]!.position).toBe(1);
  }, 30_000);

  it('says a run created with after_seconds waits for its time', async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, 'slow', { input: { count: 1, delayMs: 1 }, afterSeconds: 2 });
    const parts = await collect(client.runs.joinStream(thread.thread_id, run.run_id) as AsyncIterable<Part>);
    const statuses = expectQueuedBeforeValues(parts, run.run_id, 'schedule');
    expect(statuses[0]!.position).toBeNull();
  }, 30_000);
});
