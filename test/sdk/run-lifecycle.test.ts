import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { Client } from '@langchain/langgraph-sdk';
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.ts';
import { useSdkServer } from '../support/use-sdk-server.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/langgraph.json');

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, attempts = 200): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not reached');
}

describe('run lifecycle through the SDK, on graphs from a langgraph.json', () => {
  let server: TestServer;
  let client: Client;
  useSdkServer({ LANGGRAPH_CONFIG: fixtures }, (started) => ({ server, client } = started));

  it('serves the graphs the langgraph.json names', async () => {
    const assistants = await client.assistants.search();
    expect(assistants.map((assistant) => assistant.graph_id).sort()).toEqual(['approval', 'slow']);
    expect(assistants.find((assistant) => assistant.graph_id === 'approval')!.description).toBe('Stops at an interrupt until resumed');
  });

  it('stops at an interrupt and resumes with command.resume', async () => {
    const thread = await client.threads.create();
    const paused = (await client.runs.wait(thread.thread_id, 'approval', { input: { request: 'refund order 1004' } })) as {
      __interrupt__: Array<{ value: { question: string } }>;
    };
    expect(paused.__interrupt__[0]!.value.question).toBe('Approve "refund order 1004"?');
    const interrupted = await client.threads.get(thread.thread_id);
    expect(interrupted.status).toBe('interrupted');
    expect((await client.threads.getState(thread.thread_id)).next).toEqual(['ask']);

    const resumed = (await client.runs.wait(thread.thread_id, 'approval', { command: { resume: 'approved' } })) as { decision: string };
    expect(resumed.decision).toBe('approved');
    expect((await client.threads.get(thread.thread_id)).status).toBe('idle');
  });

  it('copies an interrupted thread; the copy resumes on its own and the original stays paused', async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, 'approval', { input: { request: 'refund order 1005' } });
    const copy = await client.threads.copy(thread.thread_id);
    expect(copy.status).toBe('interrupted');
    const copiedState = await client.threads.getState(copy.thread_id);
    expect(copiedState.next).toEqual(['ask']);
    // The interrupt is a pending write of the checkpoint: copied with it.
    expect(copiedState.tasks[0]!.interrupts).toEqual((await client.threads.getState(thread.thread_id)).tasks[0]!.interrupts);
    expect(copiedState.tasks[0]!.interrupts).toHaveLength(1);

    const resumed = (await client.runs.wait(copy.thread_id, 'approval', { command: { resume: 'rejected' } })) as { decision: string };
    expect(resumed.decision).toBe('rejected');
    expect((await client.threads.get(copy.thread_id)).status).toBe('idle');
    expect((await client.threads.get(thread.thread_id)).status).toBe('interrupted');
    expect((await client.threads.getState(thread.thread_id)).next).toEqual(['ask']);
  });

  it('pauses before a node with interrupt_before, and goes on with a null input', async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, 'slow', { input: { count: 2, delayMs: 1 }, interruptBefore: ['work'] });
    const paused = await client.threads.getState<{ steps: string[] }>(thread.thread_id);
    expect(paused.next).toEqual(['work']);
    expect(paused.values.steps).toEqual([]);
    const finished = (await client.runs.wait(thread.thread_id, 'slow', { input: null })) as { steps: string[] };
    expect(finished.steps).toEqual(['step-1', 'step-2']);
  });

  it('creates a missing thread with if_not_exists=create and refuses it otherwise', async () => {
    const threadId = crypto.randomUUID();
    await expect(client.runs.wait(threadId, 'slow', { input: { count: 1, delayMs: 1 } })).rejects.toThrow(/404/);
    const values = (await client.runs.wait(threadId, 'slow', { input: { count: 1, delayMs: 1 }, ifNotExists: 'create' })) as { steps: string[] };
    expect(values.steps).toEqual(['step-1']);
    expect((await client.threads.get(threadId)).metadata).toMatchObject({ graph_id: 'slow' });
  });

  it('streams custom events written by nodes', async () => {
    const events = [];
    for await (const part of client.runs.stream(null, 'slow', { input: { count: 2, delayMs: 1 }, streamMode: ['custom'] })) events.push(part);
    expect(events.filter((part) => part.event === 'custom').map((part) => part.data)).toEqual([{ progress: 1 }, { progress: 2 }]);
  });

  it('rejoins a stream with Last-Event-ID and gets exactly the events it missed', async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, 'slow', { input: { count: 8, delayMs: 15 }, streamMode: ['values', 'custom'] });
    const seen: Array<{ id?: string; event: string }> = [];
    const controller = new AbortController();
    for await (const part of client.runs.joinStream(thread.thread_id, run.run_id, { signal: controller.signal })) {
      seen.push(part as never);
      if (seen.length === 4) {
        controller.abort();
        break;
      }
    }
    const lastSeen = seen.at(-1)!.id!;
    const rest: Array<{ id?: string; event: string; data: unknown }> = [];
    for await (const part of client.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: lastSeen })) rest.push(part as never);
    const everything: Array<{ id?: string; event: string; data: unknown }> = [];
    // -1 is "from the first event": the SDK's own default for a resumable join.
    for await (const part of client.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: '-1' })) everything.push(part as never);
    const afterFirst: Array<{ id?: string }> = [];
    for await (const part of client.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: '0' })) afterFirst.push(part as never);

    // Numbered from 0, as the official server numbers them.
    expect(everything.map((part) => Number(part.id))).toEqual(everything.map((_, index) => index));
    expect(afterFirst.map((part) => part.id)).toEqual(everything.slice(1).map((part) => part.id));
    expect([...seen, ...rest].map((part) => part.id)).toEqual(everything.map((part) => part.id));
    expect(rest).toEqual(everything.slice(seen.length));
    expect(everything.filter((part) => part.event === 'custom')).toHaveLength(8);
  });

  it('cancels a running run', async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, 'slow', { input: { count: 1_000, delayMs: 20 } });
    await waitFor(() => client.runs.get(thread.thread_id, run.run_id), (current) => current.status === 'running');
    await client.runs.cancel(thread.thread_id, run.run_id, true);
    const cancelled = await client.runs.get(thread.thread_id, run.run_id);
    expect(cancelled.status).toBe('interrupted');
    const state = await client.threads.getState<{ steps: string[] }>(thread.thread_id);
    expect(state.values.steps.length).toBeLessThan(1_000);
    expect((await client.threads.get(thread.thread_id)).status).toBe('idle');
  });

  it('rejects a second run on a busy thread by default', async () => {
    const thread = await client.threads.create();
    const first = await client.runs.create(thread.thread_id, 'slow', { input: { count: 1_000, delayMs: 20 } });
    await expect(client.runs.create(thread.thread_id, 'slow', { input: { count: 1 } })).rejects.toThrow(/409/);
    await client.runs.cancel(thread.thread_id, first.run_id, true);
  });

  it('enqueues a second run until the first finishes', async () => {
    const thread = await client.threads.create();
    const first = await client.runs.create(thread.thread_id, 'slow', { input: { count: 3, delayMs: 20 } });
    const second = await client.runs.create(thread.thread_id, 'slow', { input: { count: 5, delayMs: 1 }, multitaskStrategy: 'enqueue' });
    expect(second.status).toBe('pending');
    await client.runs.join(thread.thread_id, second.run_id);
    expect((await client.runs.get(thread.thread_id, first.run_id)).status).toBe('success');
    expect((await client.runs.get(thread.thread_id, second.run_id)).status).toBe('success');
    const state = await client.threads.getState<{ steps: string[] }>(thread.thread_id);
    expect(state.values.steps).toEqual(['step-1', 'step-2', 'step-3', 'step-4', 'step-5']);
  });

  it('interrupts the running run for a new one with multitask interrupt', async () => {
    const thread = await client.threads.create();
    const first = await client.runs.create(thread.thread_id, 'slow', { input: { count: 1_000, delayMs: 20 } });
    await waitFor(() => client.runs.get(thread.thread_id, first.run_id), (current) => current.status === 'running');
    const second = await client.runs.create(thread.thread_id, 'slow', { input: { count: 1, delayMs: 1 }, multitaskStrategy: 'interrupt' });
    await client.runs.join(thread.thread_id, second.run_id);
    expect((await client.runs.get(thread.thread_id, first.run_id)).status).toBe('interrupted');
    expect((await client.runs.get(thread.thread_id, second.run_id)).status).toBe('success');
  });

  it('rolls the first run back for a new one with multitask rollback', async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, 'slow', { input: { count: 1, delayMs: 1 } });
    const first = await client.runs.create(thread.thread_id, 'slow', { input: { count: 1_000, delayMs: 10 } });
    await waitFor(
      () => client.threads.getState<{ steps: string[] }>(thread.thread_id),
      (state) => (state.values.steps?.length ?? 0) >= 3,
    );
    const second = await client.runs.create(thread.thread_id, 'slow', { input: { count: 2, delayMs: 1 }, multitaskStrategy: 'rollback' });
    await client.runs.join(thread.thread_id, second.run_id);
    await expect(client.runs.get(thread.thread_id, first.run_id)).rejects.toThrow(/404/);
    const state = await client.threads.getState<{ steps: string[] }>(thread.thread_id);
    // The rolled-back run's steps are gone; the thread went on from where it was before it.
    expect(state.values.steps).toEqual(['step-1', 'step-2']);
  });

  it('cancels a thread run when its streaming client disconnects with on_disconnect=cancel', async () => {
    const thread = await client.threads.create();
    const controller = new AbortController();
    let runId: string | undefined;
    for await (const part of client.runs.stream(thread.thread_id, 'slow', {
      input: { count: 1_000, delayMs: 20 },
      streamMode: ['custom'],
      onDisconnect: 'cancel',
      signal: controller.signal,
      onRunCreated: (metadata) => {
        runId = metadata.run_id;
      },
    })) {
      if (part.event === 'custom') {
        controller.abort();
        break;
      }
    }
    const run = await waitFor(() => client.runs.get(thread.thread_id, runId!), (current) => current.status !== 'running');
    expect(run.status).toBe('interrupted');
  });

  it('reports the finished run to its webhook', async () => {
    const received: unknown[] = [];
    const hook: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const { port } = hook.address() as { port: number };
    try {
      const thread = await client.threads.create();
      const run = await client.runs.create(thread.thread_id, 'slow', { input: { count: 1, delayMs: 1 }, webhook: `http://127.0.0.1:${port}/done` });
      await client.runs.join(thread.thread_id, run.run_id);
      const report = (await waitFor(async () => received, (list) => list.length > 0))[0] as { run_id: string; status: string };
      expect(report).toMatchObject({ run_id: run.run_id, status: 'success' });
    } finally {
      hook.close();
    }
  });

  it('runs statelessly and deletes the temporary thread afterwards', async () => {
    const threadsBefore = await server.services.repository.countThreads('default', {});
    const values = (await client.runs.wait(null, 'slow', { input: { count: 2, delayMs: 1 } })) as { steps: string[] };
    expect(values.steps).toEqual(['step-1', 'step-2']);
    expect(await server.services.repository.countThreads('default', {})).toBe(threadsBefore);
  });
});
