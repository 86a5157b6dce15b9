import path from 'node:path';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/langgraph.json');

async function collect(parts: AsyncIterable<unknown>): Promise<Array<{ id?: string; event: string; data: unknown }>> {
  const seen: Array<{ id?: string; event: string; data: unknown }> = [];
  for await (const part of parts) seen.push(part as never);
  return seen;
}

describe('event ids as the SDK expects them', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    // A small buffer and a short retention, so both ways of losing events can be reached.
    server = await startTestServer({ LANGGRAPH_CONFIG: fixtures, RUN_EVENT_BUFFER: '10', RUN_EVENT_RETENTION_SECONDS: '1' });
    client = new Client({ apiUrl: server.url });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('replays a finished run from the first event for Last-Event-ID -1', async () => {
    const thread = await client.threads.create();
    const streamed = await collect(client.runs.stream(thread.thread_id, 'slow', { input: { count: 2, delayMs: 1 }, streamMode: ['custom'] }));
    const runId = (streamed[0]!.data as { run_id: string }).run_id;
    const replayed = await collect(client.runs.joinStream(thread.thread_id, runId, { lastEventId: '-1' }));
    expect(replayed.map((part) => part.id)).toEqual(streamed.map((part) => part.id));
    expect(replayed[0]).toMatchObject({ id: '0', event: 'metadata' });
  });

  it('answers a rejoin whose events were trimmed from the buffer with an EVENTS_EXPIRED error event', async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, 'slow', { input: { count: 12, delayMs: 1 }, streamMode: ['custom'] });
    await client.runs.join(thread.thread_id, run.run_id);
    // 13 events (metadata and 12 custom), the last 10 kept: the client that saw only the first misses two.
    const replayed = await collect(client.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: '0' }));
    expect(replayed).toHaveLength(1);
    expect(replayed[0]).toMatchObject({ event: 'error', data: { error: 'EVENTS_EXPIRED' } });
  });

  it('refuses to resume a run whose events expired with an error the SDK throws at once', async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, 'slow', { input: { count: 1, delayMs: 1 } });
    await client.runs.join(thread.thread_id, run.run_id);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    await expect(collect(client.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: '0' }))).rejects.toThrow(/409.*EVENTS_EXPIRED/);
    // Joining without resuming simply ends: there is nothing left to stream.
    await expect(collect(client.runs.joinStream(thread.thread_id, run.run_id))).resolves.toEqual([]);
  });

  it('ends a run that reaches the recursion limit with a clear error, not INTERNAL', async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, 'slow', { input: { count: 40, delayMs: 1 } });
    await expect(client.runs.join(thread.thread_id, run.run_id)).rejects.toThrow(/422.*recursion limit/);
  });

  it('rejects a Last-Event-ID that is not an event id', async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, 'slow', { input: { count: 1, delayMs: 1 } });
    const response = await fetch(`${server.url}/threads/${thread.thread_id}/runs/${run.run_id}/stream`, { headers: { 'last-event-id': '-2' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
  });
});
