import path from 'node:path';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/runs/index.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/*
 * RUN_MAX_ATTEMPTS counts the attempts in a row whose worker died before the run saved a
 * checkpoint (a run that kills its worker at the same step every time), not the restarts a run
 * lived through while it made progress. Runs are left as a crashed process leaves them
 * (`running`, with their attempt count and the checkpoint their last attempt started from), then
 * taken up again as a restarted server does.
 */
const fixtures = path.resolve(import.meta.dirname, '../fixtures/langgraph.json');

describe('attempts of a run whose worker keeps dying', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer({ LANGGRAPH_CONFIG: fixtures, RUN_MAX_ATTEMPTS: '3' });
    client = new Client({ apiUrl: server.url });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A thread stopped after two of its four steps, and a run on it left `running` by a process that died. */
  async function strandedRun(patch: (latest: string) => Partial<RunRecord>): Promise<RunRecord> {
    const thread = await client.threads.create();
    const first = await client.runs.create(thread.thread_id, 'slow', { input: { count: 4, delayMs: 150 } });
    for (;;) {
      const state = await client.threads.getState<{ steps?: string[] }>(thread.thread_id);
      if ((state.values?.steps?.length ?? 0) >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await client.runs.cancel(thread.thread_id, first.run_id, true);
    const stopped = await client.threads.getState<{ steps: string[] }>(thread.thread_id);
    expect(stopped.next).toEqual(['work']);
    const latest = stopped.checkpoint.checkpoint_id!;
    const template = (await server.services.repository.getRun('default', first.run_id))!;
    const run: RunRecord = {
      ...template,
      run_id: crypto.randomUUID(),
      status: 'running',
      ...patch(latest),
    };
    await server.services.repository.putRun(run);
    await server.services.repository.updateThread('default', thread.thread_id, { status: 'busy' });
    return run;
  }

  it('ends a run with an error after RUN_MAX_ATTEMPTS attempts in a row that saved nothing', async () => {
    const run = await strandedRun((latest) => ({ attempt: 3, stalled_attempts: 2, checkpoint_before: latest, attempt_checkpoint: latest }));
    await server.services.runs.recover();
    await expect(server.services.runs.join('default', run.run_id)).rejects.toMatchObject({
      code: 'INTERNAL', message: expect.stringContaining('stopped 3 times in a row before the run saved a checkpoint'),
    });
    expect(await server.services.repository.getRun('default', run.run_id)).toMatchObject({ status: 'error', attempt: 4, stalled_attempts: 3 });
  });

  it('takes a run up again however often it was cut short, while each attempt got somewhere', async () => {
    // Its sixth attempt started from an earlier checkpoint than the thread's last: that attempt made progress.
    const run = await strandedRun(() => ({ attempt: 6, stalled_attempts: 2, checkpoint_before: null, attempt_checkpoint: null }));
    await server.services.runs.recover();
    const values = (await server.services.runs.join('default', run.run_id)) as { steps: string[] };
    // From the checkpoint on: the steps the dead attempts had done, then the rest, each once.
    expect(values.steps).toEqual(['step-1', 'step-2', 'step-3', 'step-4']);
    expect(await server.services.repository.getRun('default', run.run_id)).toMatchObject({ status: 'success', attempt: 7, stalled_attempts: 0, resume_from: 'checkpoint' });
  });
});
