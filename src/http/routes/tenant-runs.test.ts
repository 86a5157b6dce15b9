import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../../../test/support/test-services.ts';
import { minuteAt, runRecord, threadRecord } from '../../runs/run-repository-contract.ts';

const apiKeys = [
  { key: 'tenant-a-key-0001', tenant: 'tenant-a', scopes: ['runs:read'] },
  { key: 'tenant-b-key-0001', tenant: 'tenant-b', scopes: ['runs:read'] },
  { key: 'tenant-a-threads-key', tenant: 'tenant-a', scopes: ['threads:read'] },
];

describe('GET /console-api/runs', () => {
  let harness: TestHarness;

  beforeAll(async () => {
    harness = await createTestHarness({ API_KEYS: JSON.stringify(apiKeys) });
    const { repository } = harness.services;
    // 25 threads with one run each, the oldest thread's run newest: far beyond 20 threads.
    for (let index = 0; index < 25; index += 1) {
      const threadId = `thread-${String(index).padStart(2, '0')}`;
      await repository.createThread(threadRecord({ thread_id: threadId, created_at: minuteAt(index), updated_at: minuteAt(index) }));
      await repository.putRun(runRecord({
        run_id: `run-${String(index).padStart(2, '0')}`,
        thread_id: threadId,
        status: index % 5 === 0 ? 'error' : 'success',
        created_at: minuteAt(index === 0 ? 100 : index),
        kwargs: { ...runRecord({ run_id: 'x', thread_id: 'x' }).kwargs, config: { configurable: { scopes: ['runs:read'], user: 'u' } } },
      }));
    }
    await repository.createThread(threadRecord({ thread_id: 'b-thread', tenant_id: 'tenant-b' }));
    await repository.putRun(runRecord({ run_id: 'b-run', tenant_id: 'tenant-b', thread_id: 'b-thread', status: 'success', created_at: minuteAt(50) }));
  });
  afterAll(async () => {
    await harness?.close();
  });

  const get = (query: string, key = 'tenant-a-key-0001') => harness.app.request(`/console-api/runs${query}`, { headers: { 'x-api-key': key } });
  const idsOf = async (response: Response) => ((await response.json()) as Array<{ run_id: string }>).map((run) => run.run_id);

  it("lists the tenant's runs of every thread newest first, without internal fields", async () => {
    const response = await get('?limit=3');
    expect(response.status).toBe(200);
    const runs = (await response.json()) as Array<Record<string, unknown> & { kwargs: { config: { configurable: Record<string, unknown> } } }>;
    expect(runs.map((run) => run.run_id)).toEqual(['run-00', 'run-24', 'run-23']);
    expect(runs[0]).toMatchObject({ thread_id: 'thread-00', status: 'error' });
    expect(runs[0]).not.toHaveProperty('tenant_id');
    expect(runs[0]!.kwargs.config.configurable).toEqual({ user: 'u' });
    expect(await idsOf(await get(''))).toHaveLength(25);
  });

  it('pages by before and offset and filters by status', async () => {
    expect(await idsOf(await get('?limit=2&before=run-23'))).toEqual(['run-22', 'run-21']);
    expect(await idsOf(await get('?limit=2&offset=2'))).toEqual(['run-23', 'run-22']);
    expect(await idsOf(await get('?status=error'))).toEqual(['run-00', 'run-20', 'run-15', 'run-10', 'run-05']);
    expect(await idsOf(await get('?status=error&limit=2&before=run-15'))).toEqual(['run-10', 'run-05']);
    expect(await idsOf(await get('?before=no-such-run'))).toEqual([]);
  });

  it("shows tenant B only its own runs, never tenant A's", async () => {
    expect(await idsOf(await get('', 'tenant-b-key-0001'))).toEqual(['b-run']);
    expect(await idsOf(await get('?before=run-23', 'tenant-b-key-0001'))).toEqual([]);
  });

  it('refuses bad queries, a missing scope and a missing key', async () => {
    for (const query of ['?limit=0', '?limit=1001', '?offset=-1', '?status=done', '?limit=many']) {
      const response = await get(query);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    }
    const forbidden = await get('', 'tenant-a-threads-key');
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect((await harness.app.request('/console-api/runs')).status).toBe(401);
  });
});
