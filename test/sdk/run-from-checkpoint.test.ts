import path from 'node:path';
import type { Client } from '@langchain/langgraph-sdk';
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.ts';
import { useSdkServer } from '../support/use-sdk-server.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/langgraph.json');

/** What the SDK's HTTPError carries: the status, and our error body as text. */
async function refusal(work: Promise<unknown>): Promise<{ status: number; error: { code: string; message: string } }> {
  try {
    await work;
  } catch (error) {
    const { status, text } = error as { status: number; text: string };
    return { status, error: (JSON.parse(text) as { error: { code: string; message: string } }).error };
  }
  throw new Error('the request succeeded');
}

describe('runs from a checkpoint (checkpoint_id, checkpoint.checkpoint_id) through the SDK', () => {
  let server: TestServer;
  let client: Client;
  useSdkServer({ LANGGRAPH_CONFIG: fixtures }, (started) => ({ server, client } = started));

  const unknownId = '1f0c0000-0000-6000-8000-000000000000';

  it('answers 404 for an unknown checkpoint_id, and creates no run', async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, 'approval', { input: { request: 'refund order 1004' } });
    const before = await client.threads.getState(thread.thread_id);

    for (const options of [{ checkpointId: unknownId }, { checkpoint: { checkpoint_id: unknownId, checkpoint_ns: '', checkpoint_map: {} } }]) {
      const refused = await refusal(client.runs.create(thread.thread_id, 'approval', { input: { request: 'refund order 1005' }, multitaskStrategy: 'enqueue', ...options }));
      expect(refused.status).toBe(404);
      expect(refused.error.code).toBe('NOT_FOUND');
      expect(refused.error.message).toBe(`Checkpoint ${unknownId} not found on thread ${thread.thread_id}`);
      expect((await refusal(client.runs.wait(thread.thread_id, 'approval', { input: { request: 'refund order 1005' }, ...options }))).status).toBe(404);
    }
    // Nothing was created or started: one run on the thread, its state where it was.
    expect(await client.runs.list(thread.thread_id)).toHaveLength(1);
    expect((await client.threads.getState(thread.thread_id)).checkpoint.checkpoint_id).toBe(before.checkpoint.checkpoint_id);
  });

  it('does not create a thread for if_not_exists "create" with an unknown checkpoint', async () => {
    const threadId = crypto.randomUUID();
    const refused = await refusal(client.runs.create(threadId, 'approval', { input: { request: 'x' }, ifNotExists: 'create', checkpointId: unknownId }));
    expect(refused.status).toBe(404);
    expect(refused.error.message).toBe(`Checkpoint ${unknownId} not found on thread ${threadId}`);
    expect((await refusal(client.threads.get(threadId))).status).toBe(404);
  });

  it('answers 404 for a stateless run from a checkpoint (its thread is new)', async () => {
    const refused = await refusal(client.runs.wait(null, 'approval', { input: { request: 'x' }, checkpointId: unknownId }));
    expect(refused.status).toBe(404);
    expect(refused.error.message).toBe(`Checkpoint ${unknownId} not found: a stateless run starts on a new thread`);
  });

  it('still runs from a checkpoint the thread has (time travel)', async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, 'approval', { input: { request: 'refund order 1006' } });
    const history = await client.threads.getHistory(thread.thread_id);
    const first = history.at(-1)!;
    const run = await client.runs.create(thread.thread_id, 'approval', { checkpointId: first.checkpoint.checkpoint_id!, input: { request: 'refund order 1007' } });
    await client.runs.join(thread.thread_id, run.run_id);
    expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe('interrupted');
  });
});
