import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/index.ts';
import { createTestHarness, userMessage, type TestHarness } from '../support/test-services.ts';

describe('service contracts', () => {
  let harness: TestHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('mounts inside another Hono app', async () => {
    harness = await createTestHarness();
    const parent = new Hono();
    parent.get('/', (c) => c.text('parent'));
    parent.route('/agents', createApp(harness.services));
    expect(await (await parent.request('/agents/ok')).json()).toEqual({ ok: true });
    const response = await parent.request('/agents/runs/wait', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assistant_id: 'supervisor', input: userMessage('How long is the warranty on electronics?') }),
    });
    const state = (await response.json()) as { messages: Array<{ content: string }> };
    expect(state.messages.at(-1)!.content).toMatch(/24 months/);
    expect(await (await parent.request('/')).text()).toBe('parent');
  });

  it('refuses a body over 1 MiB with 413 and keeps serving', async () => {
    harness = await createTestHarness();
    const response = await harness.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage('x'.repeat(1_100_000)) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await harness.app.request('/ok')).status).toBe(200);
  });

  it('resumes the run a stopped process left running when it starts again, and finishes it once', async () => {
    harness = await createTestHarness();
    const { repository, config } = harness.services;
    const now = new Date().toISOString();
    await repository.createThread({ thread_id: 'left-behind', tenant_id: 'default', created_at: now, updated_at: now, metadata: { graph_id: 'supervisor' }, status: 'busy', values: null, interrupts: {} });
    // Its first attempt was under way, before the thread had any checkpoint, when the process stopped.
    await repository.putRun({
      run_id: 'run-left-behind',
      thread_id: 'left-behind',
      assistant_id: 'supervisor',
      tenant_id: 'default',
      created_at: now,
      updated_at: now,
      status: 'running',
      attempt: 1,
      metadata: {},
      multitask_strategy: 'reject',
      kwargs: { input: userMessage('How long is the warranty on electronics?'), config: {}, stream_mode: ['values'], subgraphs: false, temporary: false, on_disconnect: 'continue' },
    });
    // A new process on the same database file.
    const restarted = await createTestHarness({ SQLITE_PATH: config.sqlitePath });
    try {
      const joined = await restarted.app.request('/threads/left-behind/runs/run-left-behind/join');
      expect(joined.status).toBe(200);
      const state = (await joined.json()) as { messages: Array<{ type?: string; content: string }> };
      expect(state.messages.at(-1)!.content).toMatch(/24 months/);
      // Taken up as its second attempt, not failed and not started over as a new run.
      expect(await restarted.services.repository.getRun('default', 'run-left-behind')).toMatchObject({ status: 'success', attempt: 2 });
      expect((await restarted.services.repository.listRuns('default', 'left-behind', { limit: 10, offset: 0 })).map((run) => run.run_id)).toEqual(['run-left-behind']);
      expect(state.messages.filter((message) => message.content === 'How long is the warranty on electronics?')).toHaveLength(1);
      expect((await restarted.services.repository.getThread('default', 'left-behind'))!.status).toBe('idle');
      // The thread takes new runs again.
      const response = await restarted.post('/threads/left-behind/runs/wait', { assistant_id: 'supervisor', input: userMessage('Do you ship to Canada?') });
      expect(response.status).toBe(200);
    } finally {
      await restarted.close();
    }
  });

  it('starts no run and leaves the thread as it was when storing the start half fails', async () => {
    harness = await createTestHarness();
    const { database, repository } = harness.services;
    const created = await harness.post('/threads', {});
    const { thread_id: threadId } = (await created.json()) as { thread_id: string };
    // A real storage fault, in SQLite itself: the thread cannot be marked busy.
    database.exec(`CREATE TRIGGER refuse_busy BEFORE UPDATE ON run_threads WHEN NEW.status = 'busy'
      BEGIN SELECT RAISE(ABORT, 'disk refused the write'); END`);
    const refused = await harness.post(`/threads/${threadId}/runs`, { assistant_id: 'supervisor', input: userMessage('Do you ship to Canada?') });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('STORAGE_ERROR');
    const runs = await repository.listRuns('default', threadId, { limit: 10, offset: 0 });
    expect(runs.map((run) => run.status)).toEqual(['error']);
    expect(runs[0]!.error).toEqual({ code: 'STORAGE_ERROR', message: 'Run could not be started' });
    expect((await repository.getThread('default', threadId))!.status).toBe('idle');
    // Once storage works again the thread takes runs: nothing was left pending or busy.
    database.exec('DROP TRIGGER refuse_busy');
    const response = await harness.post(`/threads/${threadId}/runs/wait`, { assistant_id: 'supervisor', input: userMessage('Do you ship to Canada?') });
    expect(response.status).toBe(200);
    expect((await repository.getThread('default', threadId))!.status).toBe('idle');
  });

  it('leaves no half-made copy when copying a thread fails', async () => {
    harness = await createTestHarness();
    const { database } = harness.services;
    const created = await harness.post('/threads', {});
    const { thread_id: threadId } = (await created.json()) as { thread_id: string };
    expect((await harness.post(`/threads/${threadId}/runs/wait`, { assistant_id: 'supervisor', input: userMessage('Do you ship to Canada?') })).status).toBe(200);
    const checkpointThreads = () => database.prepare('SELECT count(DISTINCT thread_id) AS count FROM checkpoint_checkpoints').get();
    const before = checkpointThreads();
    // The checkpoints copy, then the new thread's record cannot be stored.
    database.exec(`CREATE TRIGGER refuse_thread BEFORE INSERT ON run_threads BEGIN SELECT RAISE(ABORT, 'disk refused the write'); END`);
    const refused = await harness.post(`/threads/${threadId}/copy`, {});
    expect(refused.status).toBe(503);
    expect(checkpointThreads()).toEqual(before);
    database.exec('DROP TRIGGER refuse_thread');
    const copied = await harness.post(`/threads/${threadId}/copy`, {});
    expect(copied.status).toBe(200);
    expect(checkpointThreads()).toEqual({ count: Number((before as { count: number }).count) + 1 });
  });
});
