import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/langgraph.json');
const keys = {
  acme: 'acme-cron-key-0123456789abcdef',
  globex: 'globex-cron-key-0123456789abcdef',
  reader: 'reader-cron-key-0123456789abcdef',
  scheduler: 'scheduler-cron-key-0123456789abcdef',
  narrow: 'narrow-cron-key-0123456789abcdef',
};
const apiKeys = JSON.stringify([
  { key: keys.acme, tenant: 'acme', scopes: ['*'] },
  { key: keys.globex, tenant: 'globex', scopes: ['*'] },
  { key: keys.reader, tenant: 'acme', scopes: ['crons:read'] },
  // May manage crons but not create runs: a cron would create runs it could not.
  { key: keys.scheduler, tenant: 'acme', scopes: ['crons:write', 'crons:read'] },
  { key: keys.narrow, tenant: 'acme', scopes: ['crons:write', 'runs:write', 'threads:read'] },
]);
const everySecond = '* * * * * *';
const quickRun = { count: 1, delayMs: 5 };

interface CronRun {
  run_id: string;
  metadata: { cron_id?: string; cron_scheduled_at?: string };
}

/** Poll until `done` holds (bounded: the caller's test timeout is the limit). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms; last value: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function errorOf(response: Response) {
  return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
}

describe('crons through the SDK, on the embedded scheduler', () => {
  let server: TestServer;
  let acme: Client;
  let globex: Client;
  const call = (key: string, route: string, init: RequestInit = {}) =>
    fetch(`${server.url}${route}`, { ...init, headers: { 'content-type': 'application/json', 'x-api-key': key, ...init.headers } });

  beforeAll(async () => {
    server = await startTestServer({ LANGGRAPH_CONFIG: fixtures, API_KEYS: apiKeys });
    acme = new Client({ apiUrl: server.url, apiKey: keys.acme });
    globex = new Client({ apiUrl: server.url, apiKey: keys.globex });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('says in /info that it serves crons', async () => {
    const info = (await (await fetch(`${server.url}/info`)).json()) as { flags: { crons: boolean } };
    expect(info.flags.crons).toBe(true);
  });

  it('creates a thread cron, finds it by search and count, and deletes it', async () => {
    const thread = await acme.threads.create();
    const cron = await acme.crons.createForThread(thread.thread_id, 'slow', { schedule: '0 9 * * 1-5', timezone: 'Europe/Paris', input: quickRun, metadata: { team: 'ops' } });
    expect(cron).toMatchObject({ thread_id: thread.thread_id, assistant_id: 'slow', schedule: '0 9 * * 1-5', metadata: { team: 'ops' }, enabled: true, timezone: 'Europe/Paris' });
    expect(cron.payload).toMatchObject({ assistant_id: 'slow', input: quickRun });
    expect(Date.parse(cron.next_run_date)).toBeGreaterThan(Date.now());
    expect(cron).not.toHaveProperty('tenant_id');
    expect(cron).not.toHaveProperty('run_as');

    const found = await acme.crons.search({ threadId: thread.thread_id });
    expect(found.map((item) => item.cron_id)).toEqual([cron.cron_id]);
    expect(await acme.crons.search({ metadata: { team: 'ops' }, select: ['cron_id', 'schedule'] })).toEqual([{ cron_id: cron.cron_id, schedule: '0 9 * * 1-5' }]);
    expect(await acme.crons.count({ threadId: thread.thread_id })).toBe(1);
    expect(await acme.crons.count({ assistantId: 'approval' })).toBe(0);
    expect(await (await call(keys.acme, `/runs/crons/${cron.cron_id}`)).json()).toEqual(found[0]);

    await acme.crons.delete(cron.cron_id);
    expect(await acme.crons.count({ threadId: thread.thread_id })).toBe(0);
    expect((await call(keys.acme, `/runs/crons/${cron.cron_id}`)).status).toBe(404);
  });

  it('updates a cron: schedule, metadata, end time, and disabling it clears its next run', async () => {
    const thread = await acme.threads.create();
    const cron = await acme.crons.createForThread(thread.thread_id, 'slow', { schedule: '0 9 * * *', input: quickRun });
    const endTime = new Date(Date.now() + 365 * 86_400_000).toISOString();
    const updated = await acme.crons.update(cron.cron_id, { schedule: '30 18 * * *', metadata: { owner: 'night-shift' }, endTime });
    expect(updated).toMatchObject({ cron_id: cron.cron_id, schedule: '30 18 * * *', metadata: { owner: 'night-shift' }, end_time: endTime });
    expect(new Date(updated.next_run_date!).toISOString()).toMatch(/T18:30:00\.000Z$/);
    expect(await acme.crons.count({ metadata: { owner: 'night-shift' } })).toBe(1);

    const disabled = await acme.crons.update(cron.cron_id, { enabled: false, endTime: null });
    expect(disabled).toMatchObject({ enabled: false, next_run_date: null, end_time: null, schedule: '30 18 * * *' });
    expect((await acme.crons.search({ enabled: false })).map((item) => item.cron_id)).toContain(cron.cron_id);
    await acme.crons.delete(cron.cron_id);
  });

  it('refuses an invalid schedule with 422 and a message that says why', async () => {
    const refused = await errorOf(await call(keys.acme, '/runs/crons', { method: 'POST', body: JSON.stringify({ assistant_id: 'slow', schedule: '61 * * * *', input: quickRun }) }));
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('UNPROCESSABLE');
    expect(refused.body.error.message).toMatch(/Invalid cron schedule "61 \* \* \* \*".*0-59/);
    const badZone = await errorOf(await call(keys.acme, '/runs/crons', { method: 'POST', body: JSON.stringify({ assistant_id: 'slow', schedule: '0 9 * * *', timezone: 'Moon/Base', input: quickRun }) }));
    expect(badZone.status).toBe(422);
    const thread = await acme.threads.create();
    const cron = await acme.crons.createForThread(thread.thread_id, 'slow', { schedule: '0 9 * * *', input: quickRun });
    const badUpdate = await errorOf(await call(keys.acme, `/runs/crons/${cron.cron_id}`, { method: 'PATCH', body: JSON.stringify({ schedule: 'whenever' }) }));
    expect(badUpdate.status).toBe(422);
    expect((await acme.crons.search({ threadId: thread.thread_id }))[0]!.schedule).toBe('0 9 * * *');
  });

  it('refuses what a run request would refuse: a stateless cron without input, an unknown assistant or thread', async () => {
    const noInput = await call(keys.acme, '/runs/crons', { method: 'POST', body: JSON.stringify({ assistant_id: 'slow', schedule: '0 9 * * *' }) });
    expect(noInput.status).toBe(400);
    expect((await call(keys.acme, '/runs/crons', { method: 'POST', body: JSON.stringify({ assistant_id: 'nobody', schedule: '0 9 * * *', input: quickRun }) })).status).toBe(404);
    expect((await call(keys.acme, '/threads/no-such-thread/runs/crons', { method: 'POST', body: JSON.stringify({ assistant_id: 'slow', schedule: '0 9 * * *', input: quickRun }) })).status).toBe(404);
  });

  it('keeps crons to their tenant: another tenant\'s cron is not found, listed or changed', async () => {
    const thread = await acme.threads.create();
    const cron = await acme.crons.createForThread(thread.thread_id, 'slow', { schedule: '0 9 * * *', input: quickRun });
    expect(await globex.crons.search()).toEqual([]);
    expect(await globex.crons.count()).toBe(0);
    for (const [method, body] of [['GET', undefined], ['PATCH', JSON.stringify({ enabled: false })], ['DELETE', undefined]] as const) {
      expect((await call(keys.globex, `/runs/crons/${cron.cron_id}`, { method, body })).status).toBe(404);
    }
    // Nor can another tenant put a cron on this tenant's thread.
    expect((await call(keys.globex, `/threads/${thread.thread_id}/runs/crons`, { method: 'POST', body: JSON.stringify({ assistant_id: 'slow', schedule: '0 9 * * *' }) })).status).toBe(404);
    expect((await acme.crons.search({ threadId: thread.thread_id }))[0]!.enabled).toBe(true);
    await acme.crons.delete(cron.cron_id);
  });

  it('needs crons:write and runs:write to create, crons:read to list, threads:write to keep a stateless cron\'s threads', async () => {
    const body = JSON.stringify({ assistant_id: 'slow', schedule: '0 9 * * *', input: quickRun });
    expect((await call(keys.reader, '/runs/crons', { method: 'POST', body })).status).toBe(403);
    expect((await call(keys.scheduler, '/runs/crons', { method: 'POST', body })).status).toBe(403);
    expect((await call(keys.reader, '/runs/crons/search', { method: 'POST', body: '{}' })).status).toBe(200);
    expect((await call(keys.narrow, '/runs/crons/search', { method: 'POST', body: '{}' })).status).toBe(403);
    const keep = JSON.stringify({ assistant_id: 'slow', schedule: '0 9 * * *', input: quickRun, on_run_completed: 'keep' });
    expect((await call(keys.narrow, '/runs/crons', { method: 'POST', body: keep })).status).toBe(403);
    const created = await call(keys.narrow, '/runs/crons', { method: 'POST', body });
    expect(created.status).toBe(200);
    const cron = (await created.json()) as { cron_id: string };
    await acme.crons.delete(cron.cron_id);
  });

  it('acts with no more than its creator\'s scopes, narrowed by whoever updates it', async () => {
    const thread = await acme.threads.create();
    const created = await call(keys.narrow, `/threads/${thread.thread_id}/runs/crons`, { method: 'POST', body: JSON.stringify({ assistant_id: 'slow', schedule: '0 9 * * *', input: quickRun }) });
    const cron = (await created.json()) as { cron_id: string };
    expect((await server.services.crons.get('acme', cron.cron_id)).run_as.scopes).toEqual(['crons:write', 'runs:write', 'threads:read']);
    // A broader caller's update never widens them.
    await acme.crons.update(cron.cron_id, { metadata: { touched: true } });
    expect((await server.services.crons.get('acme', cron.cron_id)).run_as.scopes).toEqual(['crons:write', 'runs:write', 'threads:read']);
    await acme.crons.delete(cron.cron_id);
  });

  it('fires a per-second thread cron into runs on the thread, one per tick, and stops once deleted', async () => {
    const thread = await acme.threads.create();
    const cron = await acme.crons.createForThread(thread.thread_id, 'slow', { schedule: everySecond, input: quickRun, multitaskStrategy: 'enqueue' });
    const cronRuns = async () => ((await acme.runs.list(thread.thread_id, { limit: 100 })) as unknown as CronRun[]).filter((run) => run.metadata.cron_id === cron.cron_id);
    const fired = await until(cronRuns, (runs) => runs.length >= 2);
    const ticks = fired.map((run) => run.metadata.cron_scheduled_at!);
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const tick of ticks) expect(tick).toMatch(/:\d\d\.000Z$/);

    await acme.crons.delete(cron.cron_id);
    const deletedAt = Date.now();
    // Two more ticks' worth of time: none of them may fire.
    await until(async () => Date.now(), (now) => now > deletedAt + 2_500);
    const after = await cronRuns();
    expect(after.every((run) => Date.parse(run.metadata.cron_scheduled_at!) <= deletedAt)).toBe(true);
  }, 30_000);

  it('fires a stateless cron on a new thread per tick and keeps them when asked', async () => {
    const cron = await globex.crons.create('slow', { schedule: everySecond, input: quickRun, onRunCompleted: 'keep' });
    expect(cron).toMatchObject({ thread_id: null, on_run_completed: 'keep' });
    const threads = await until(() => globex.threads.search({ limit: 100 }), (found) => found.length >= 2);
    await globex.crons.delete(cron.cron_id);
    const runs = await Promise.all(threads.slice(0, 2).map((thread) => globex.runs.list(thread.thread_id)));
    for (const [run] of runs) expect(run!.metadata).toMatchObject({ cron_id: cron.cron_id });
    expect(new Set(threads.map((thread) => thread.thread_id)).size).toBe(threads.length);
  }, 30_000);

  it('deletes a thread\'s crons with the thread', async () => {
    const thread = await acme.threads.create();
    await acme.crons.createForThread(thread.thread_id, 'slow', { schedule: '0 9 * * *', input: quickRun });
    expect(await acme.crons.count({ threadId: thread.thread_id })).toBe(1);
    await acme.threads.delete(thread.thread_id);
    expect(await acme.crons.count({ threadId: thread.thread_id })).toBe(0);
  });
});

describe('embedded crons across a restart', () => {
  it('keeps firing a cron created before the server restarted', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'overseer-crons-'));
    try {
      const first = await startTestServer({ LANGGRAPH_CONFIG: fixtures, DATA_DIR: dataDir });
      const before = new Client({ apiUrl: first.url });
      const thread = await before.threads.create();
      const cron = await before.crons.createForThread(thread.thread_id, 'slow', { schedule: everySecond, input: quickRun, multitaskStrategy: 'enqueue' });
      await first.close();
      const restartedAt = Date.now();

      const second = await startTestServer({ LANGGRAPH_CONFIG: fixtures, DATA_DIR: dataDir });
      try {
        const after = new Client({ apiUrl: second.url });
        expect((await after.crons.search()).map((item) => item.cron_id)).toEqual([cron.cron_id]);
        const fired = await until(
          async () => ((await after.runs.list(thread.thread_id, { limit: 100 })) as unknown as CronRun[]).filter((run) => Date.parse(run.metadata.cron_scheduled_at ?? '') > restartedAt),
          (runs) => runs.length >= 2,
        );
        expect(fired.every((run) => run.metadata.cron_id === cron.cron_id)).toBe(true);
        await after.crons.delete(cron.cron_id);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
