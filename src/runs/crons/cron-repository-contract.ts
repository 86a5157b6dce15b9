import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CronRecord, CronSearch } from './cron-record.ts';
import type { CronRepository } from './cron-repository.ts';

export interface CronRepositoryFixture {
  repository: CronRepository;
  cleanup: () => Promise<void>;
}

export function cronRecord(overrides: Partial<CronRecord> & Pick<CronRecord, 'cron_id'>): CronRecord {
  return {
    tenant_id: 'tenant-a',
    assistant_id: 'supervisor',
    thread_id: null,
    schedule: '0 * * * *',
    timezone: null,
    end_time: null,
    enabled: true,
    on_run_completed: 'delete',
    payload: { assistant_id: 'supervisor', input: { messages: [] } },
    metadata: {},
    user_id: 'someone',
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    next_run_date: '2025-01-01T01:00:00.000Z',
    run_as: { scopes: ['runs:write'], actor: 'someone', caller_id: 'key:1' },
    ...overrides,
  };
}

const everything: CronSearch = { limit: 100, offset: 0, sortBy: 'created_at', sortOrder: 'asc' };
const minute = (value: number) => new Date(Date.UTC(2025, 0, 1, 0, value)).toISOString();

/**
 * The behaviour every `CronRepository` shares, run against one implementation. `create` gets
 * the clock the repository must stamp updates with and returns an empty repository.
 */
export function describeCronRepositoryContract(name: string, create: (clock: () => Date) => Promise<CronRepositoryFixture>): void {
  describe(`cron repository contract: ${name}`, () => {
    let fixture: CronRepositoryFixture;
    let repository: CronRepository;
    const now = new Date('2025-06-01T12:00:00.000Z');

    beforeEach(async () => {
      fixture = await create(() => now);
      repository = fixture.repository;
    });
    afterEach(async () => fixture.cleanup());

    it('stores a cron and reads it back unchanged', async () => {
      const cron = cronRecord({ cron_id: 'cron-1', metadata: { team: 'ops', empty: [] }, payload: { assistant_id: 'supervisor', input: { messages: [] }, interrupt_before: [] } });
      await repository.put(cron);
      expect(await repository.get('tenant-a', 'cron-1')).toEqual(cron);
    });

    it('never shows one tenant another tenant\'s cron, even under the same id', async () => {
      await repository.put(cronRecord({ cron_id: 'cron-1', metadata: { owner: 'a' } }));
      await repository.put(cronRecord({ cron_id: 'cron-1', tenant_id: 'tenant-b', metadata: { owner: 'b' } }));
      expect((await repository.get('tenant-a', 'cron-1'))?.metadata).toEqual({ owner: 'a' });
      expect(await repository.get('tenant-c', 'cron-1')).toBeUndefined();
      expect(await repository.count('tenant-b', {})).toBe(1);
      expect(await repository.delete('tenant-c', 'cron-1')).toBe(false);
      expect(await repository.update('tenant-c', 'cron-1', { enabled: false })).toBeUndefined();
      expect(await repository.delete('tenant-b', 'cron-1')).toBe(true);
      expect(await repository.get('tenant-a', 'cron-1')).toBeDefined();
    });

    it('updates the given fields, stamps updated_at, and leaves the others', async () => {
      await repository.put(cronRecord({ cron_id: 'cron-1', end_time: '2030-01-01T00:00:00.000Z', metadata: { a: 1 } }));
      const updated = await repository.update('tenant-a', 'cron-1', { schedule: '*/5 * * * *', end_time: null });
      expect(updated).toMatchObject({ schedule: '*/5 * * * *', end_time: null, metadata: { a: 1 }, updated_at: now.toISOString() });
      expect(await repository.get('tenant-a', 'cron-1')).toEqual(updated);
    });

    it('moves the next tick without counting it as an update', async () => {
      await repository.put(cronRecord({ cron_id: 'cron-1' }));
      const ticked = await repository.update('tenant-a', 'cron-1', { next_run_date: '2025-01-01T02:00:00.000Z' });
      expect(ticked).toMatchObject({ next_run_date: '2025-01-01T02:00:00.000Z', updated_at: '2025-01-01T00:00:00.000Z' });
    });

    it('answers undefined when updating a cron that is not there', async () => {
      expect(await repository.update('tenant-a', 'missing', { enabled: false })).toBeUndefined();
      expect(await repository.get('tenant-a', 'missing')).toBeUndefined();
    });

    it('deletes a cron once', async () => {
      await repository.put(cronRecord({ cron_id: 'cron-1' }));
      expect(await repository.delete('tenant-a', 'cron-1')).toBe(true);
      expect(await repository.delete('tenant-a', 'cron-1')).toBe(false);
      expect(await repository.get('tenant-a', 'cron-1')).toBeUndefined();
      expect(await repository.search('tenant-a', everything)).toEqual([]);
    });

    it('searches by assistant, thread, enabled and metadata, and counts the same', async () => {
      await repository.put(cronRecord({ cron_id: 'a', assistant_id: 'retriever', created_at: minute(1) }));
      await repository.put(cronRecord({ cron_id: 'b', thread_id: 'thread-1', created_at: minute(2), metadata: { team: 'ops' } }));
      await repository.put(cronRecord({ cron_id: 'c', thread_id: 'thread-1', enabled: false, created_at: minute(3), metadata: { team: 'ops', tier: 2 } }));
      const ids = async (search: Partial<CronSearch>) => (await repository.search('tenant-a', { ...everything, ...search })).map((cron) => cron.cron_id);
      expect(await ids({ assistantId: 'retriever' })).toEqual(['a']);
      expect(await ids({ threadId: 'thread-1' })).toEqual(['b', 'c']);
      expect(await ids({ enabled: false })).toEqual(['c']);
      expect(await ids({ metadata: { team: 'ops' } })).toEqual(['b', 'c']);
      expect(await ids({ metadata: { team: 'ops', tier: 2 } })).toEqual(['c']);
      expect(await repository.count('tenant-a', { threadId: 'thread-1', metadata: { team: 'ops' } })).toBe(2);
      expect(await repository.count('tenant-a', { assistantId: 'nobody' })).toBe(0);
    });

    it('sorts and pages, ties by cron id', async () => {
      await repository.put(cronRecord({ cron_id: 'b', created_at: minute(1), next_run_date: minute(9) }));
      await repository.put(cronRecord({ cron_id: 'a', created_at: minute(1), next_run_date: minute(7) }));
      await repository.put(cronRecord({ cron_id: 'c', created_at: minute(2), next_run_date: minute(8) }));
      const ids = async (search: Partial<CronSearch>) => (await repository.search('tenant-a', { ...everything, ...search })).map((cron) => cron.cron_id);
      expect(await ids({})).toEqual(['a', 'b', 'c']);
      expect(await ids({ sortOrder: 'desc' })).toEqual(['c', 'a', 'b']);
      expect(await ids({ sortBy: 'next_run_date' })).toEqual(['a', 'c', 'b']);
      expect(await ids({ sortBy: 'cron_id', sortOrder: 'desc', limit: 2, offset: 1 })).toEqual(['b', 'a']);
    });

    it('lists the enabled crons of every tenant, following enable and disable', async () => {
      await repository.put(cronRecord({ cron_id: 'a' }));
      await repository.put(cronRecord({ cron_id: 'b', tenant_id: 'tenant-b' }));
      await repository.put(cronRecord({ cron_id: 'c', enabled: false }));
      const enabled = async () => (await repository.enabled()).map((cron) => `${cron.tenant_id}/${cron.cron_id}`).sort();
      expect(await enabled()).toEqual(['tenant-a/a', 'tenant-b/b']);
      await repository.update('tenant-a', 'a', { enabled: false });
      await repository.update('tenant-a', 'c', { enabled: true });
      await repository.delete('tenant-b', 'b');
      expect(await enabled()).toEqual(['tenant-a/c']);
    });
  });
}
