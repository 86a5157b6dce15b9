import path from 'node:path';
import type { Client } from '@langchain/langgraph-sdk';
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.ts';
import { useSdkServer } from '../support/use-sdk-server.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/langgraph.json');

interface Part {
  id?: string;
  event: string;
  data: unknown;
}

/** Read a stream until `enough` says so, then close it. */
async function readUntil(parts: AsyncIterable<Part>, enough: (seen: Part[]) => boolean, controller: AbortController): Promise<Part[]> {
  const seen: Part[] = [];
  try {
    for await (const part of parts) {
      seen.push(part);
      if (enough(seen)) break;
    }
  } finally {
    controller.abort();
  }
  return seen;
}

const doneCount = (seen: Part[]) => seen.filter((part) => part.event === 'run_done').length;

describe('joining a thread, cancelling runs in bulk and pruning threads through the SDK', () => {
  let server: TestServer;
  let client: Client;
  useSdkServer({ LANGGRAPH_CONFIG: fixtures }, (started) => ({ server, client } = started));

  it('joins a thread\'s stream and follows each run on it, one after another', async () => {
    const thread = await client.threads.create();
    // Two runs already on the thread (one running, one queued), and a third created while joined.
    const first = await client.runs.create(thread.thread_id, 'slow', { input: { count: 2, delayMs: 200 }, streamMode: ['custom'] });
    const second = await client.runs.create(thread.thread_id, 'slow', { input: { count: 1, delayMs: 1 }, streamMode: ['custom'], multitaskStrategy: 'enqueue' });
    const controller = new AbortController();
    const seen: Part[] = [];
    let third: { run_id: string } | undefined;
    for await (const part of client.threads.joinStream(thread.thread_id, { signal: controller.signal }) as AsyncIterable<Part>) {
      seen.push(part);
      if (doneCount(seen) === 2 && !third) third = await client.runs.create(thread.thread_id, 'slow', { input: { count: 1, delayMs: 1 }, streamMode: ['custom'] });
      if (doneCount(seen) === 3) break;
    }
    controller.abort();

    const runIds = [first.run_id, second.run_id, third!.run_id];
    expect(seen.filter((part) => part.event === 'metadata').map((part) => (part.data as { run_id: string }).run_id)).toEqual(runIds);
    expect(seen.filter((part) => part.event === 'run_done').map((part) => part.data)).toEqual(runIds.map((runId) => ({ run_id: runId, status: 'success' })));
    expect(seen.filter((part) => part.event === 'custom')).toHaveLength(4);
    expect(seen[0]).toMatchObject({ id: `${first.run_id}:0`, event: 'metadata' });

    // Resuming after the first run's second event replays the rest of it, then the second run.
    const again = new AbortController();
    const resumed = await readUntil(
      client.threads.joinStream(thread.thread_id, { lastEventId: `${first.run_id}:1`, signal: again.signal }),
      (parts) => doneCount(parts) === 3,
      again,
    );
    expect(resumed.map((part) => part.id)).toEqual(seen.slice(2).map((part) => part.id));

    const lifecycle = new AbortController();
    const onlyLifecycle = await readUntil(
      client.threads.joinStream(thread.thread_id, { lastEventId: `${first.run_id}:done`, streamMode: 'lifecycle', signal: lifecycle.signal }),
      (parts) => doneCount(parts) === 1,
      lifecycle,
    );
    expect(onlyLifecycle.map((part) => part.event)).toEqual(['metadata', 'run_done']);
  });

  it('answers 404 for joining a thread that does not exist', async () => {
    const response = await fetch(`${server.url}/threads/no-such-thread/stream`);
    expect(response.status).toBe(404);
  });

  it('cancels runs by id with cancelMany, and a thread\'s queued runs by status', async () => {
    const thread = await client.threads.create();
    const running = await client.runs.create(thread.thread_id, 'slow', { input: { count: 100, delayMs: 50 } });
    const queued = await client.runs.create(thread.thread_id, 'slow', { input: { count: 1, delayMs: 1 }, multitaskStrategy: 'enqueue' });
    await client.runs.cancelMany({ threadId: thread.thread_id, status: 'pending' });
    expect((await client.runs.get(thread.thread_id, queued.run_id)).status).toBe('interrupted');
    expect((await client.runs.get(thread.thread_id, running.run_id)).status).toBe('running');

    await client.runs.cancelMany({ runIds: [running.run_id] });
    await client.runs.join(thread.thread_id, running.run_id);
    expect((await client.runs.get(thread.thread_id, running.run_id)).status).toBe('interrupted');

    await expect(client.runs.cancelMany({ runIds: [running.run_id, 'no-such-run'] })).rejects.toThrow(/404/);
    await expect(client.runs.cancelMany({ status: 'all' })).rejects.toThrow(/400/);
  });

  it('prunes threads by deleting them, skipping ids it does not know', async () => {
    const [kept, gone] = [await client.threads.create(), await client.threads.create()];
    const other = await client.threads.create();
    expect(await client.threads.prune([gone.thread_id, other.thread_id, 'no-such-thread'])).toEqual({ pruned_count: 2 });
    await expect(client.threads.get(gone.thread_id)).rejects.toThrow(/404/);
    expect((await client.threads.get(kept.thread_id)).thread_id).toBe(kept.thread_id);
  });

  it('keeps a thread\'s latest state and drops its history with keep_latest, and a paused thread still resumes', async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, 'slow', { input: { count: 3, delayMs: 1 } });
    const before = await client.threads.getState(thread.thread_id);
    expect((await client.threads.getHistory(thread.thread_id, { limit: 100 })).length).toBeGreaterThan(1);
    expect(await client.threads.prune([thread.thread_id], { strategy: 'keep_latest' })).toEqual({ pruned_count: 1 });
    expect(await client.threads.getHistory(thread.thread_id, { limit: 100 })).toHaveLength(1);
    expect((await client.threads.getState(thread.thread_id)).values).toEqual(before.values);

    const paused = await client.threads.create();
    await client.runs.wait(paused.thread_id, 'approval', { input: { request: 'refund' } });
    await client.threads.prune([paused.thread_id], { strategy: 'keep_latest' });
    expect((await client.threads.getState(paused.thread_id)).tasks[0]?.interrupts).toHaveLength(1);
    const resumed = await client.runs.wait(paused.thread_id, 'approval', { command: { resume: 'yes' } });
    expect(resumed).toMatchObject({ request: 'refund', decision: 'yes' });
  });

  it('says where to rejoin a streamed run (Location) and where the run is (Content-Location)', async () => {
    const thread = await client.threads.create();
    const response = await fetch(`${server.url}/threads/${thread.thread_id}/runs/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assistant_id: 'slow', input: { count: 1, delayMs: 1 } }),
    });
    await response.text();
    const runPath = response.headers.get('content-location')!;
    expect(runPath).toMatch(new RegExp(`^/threads/${thread.thread_id}/runs/[^/]+$`));
    expect(response.headers.get('location')).toBe(`${runPath}/stream`);
  });
});
