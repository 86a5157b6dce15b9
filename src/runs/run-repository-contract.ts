import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord, RunStatus, ThreadRecord, ThreadStatus } from './run-records.ts';
import type { RunRepository, ThreadSearch } from './run-repository.ts';

export interface RunRepositoryFixture {
  repository: RunRepository;
  cleanup: () => Promise<void>;
}

export interface RunRepositoryContractOptions {
  /**
   * Titles of tests this implementation is known to fail. They run as `it.fails`, so the
   * suite stays green while the gap is on record, and turns red once the gap is fixed.
   */
  knownFailures?: string[];
}

/** Minute `minute` of a fixed day, as the ISO string records carry. */
export function minuteAt(minute: number): string {
  return new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString();
}

export function threadRecord(overrides: Partial<ThreadRecord> & Pick<ThreadRecord, 'thread_id'>): ThreadRecord {
  return {
    tenant_id: 'tenant-a',
    created_at: minuteAt(0),
    updated_at: minuteAt(0),
    metadata: {},
    status: 'idle',
    values: null,
    interrupts: {},
    ...overrides,
  };
}

export function runRecord(overrides: Partial<RunRecord> & Pick<RunRecord, 'run_id' | 'thread_id'>): RunRecord {
  return {
    assistant_id: 'supervisor',
    tenant_id: 'tenant-a',
    created_at: minuteAt(0),
    updated_at: minuteAt(0),
    status: 'pending',
    metadata: {},
    multitask_strategy: 'reject',
    kwargs: { input: { messages: [] }, config: { configurable: {} }, stream_mode: ['values'], subgraphs: false, temporary: false, on_disconnect: 'continue' },
    ...overrides,
  };
}

const everything = { limit: 100, offset: 0, sortBy: 'created_at', sortOrder: 'asc' } satisfies ThreadSearch;

/**
 * The behaviour every `RunRepository` shares, run against one implementation. `create`
 * gets the clock the repository must stamp updates with and returns an empty repository.
 * @example
 * describeRunRepositoryContract('sqlite', async (clock) => ({
 *   repository: createSqliteRunRepository(openDatabase(':memory:'), clock),
 *   cleanup: async () => {},
 * }));
 */
export function describeRunRepositoryContract(
  name: string,
  create: (clock: () => Date) => Promise<RunRepositoryFixture>,
  options: RunRepositoryContractOptions = {},
): void {
  const test = (title: string, body: () => Promise<void>) => (options.knownFailures?.includes(title) ? it.fails : it)(title, body);

  describe(`${name} run repository`, () => {
    let fixture: RunRepositoryFixture;
    let repository: RunRepository;
    let now: Date;

    beforeEach(async () => {
      now = new Date(minuteAt(1_000));
      fixture = await create(() => now);
      repository = fixture.repository;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    const ids = (threads: ThreadRecord[]) => threads.map((thread) => thread.thread_id);
    const runIds = (runs: RunRecord[]) => runs.map((run) => run.run_id);
    const putRuns = async (runs: RunRecord[]) => {
      for (const run of runs) await repository.putRun(run);
    };

    describe('threads', () => {
      test('reads back a created thread with its metadata, values and interrupts', async () => {
        const thread = threadRecord({
          thread_id: 'thread-1',
          metadata: { graph_id: 'supervisor', tags: [], nested: { list: [1, {}], flag: false } },
          values: { messages: [{ role: 'user', content: 'hello' }], empty: [], nothing: null },
          interrupts: { task: [{ value: 'approve?' }] },
        });
        expect(await repository.createThread(thread)).toEqual(thread);
        expect(await repository.getThread('tenant-a', 'thread-1')).toEqual(thread);
      });

      test('returns undefined for an unknown thread', async () => {
        expect(await repository.getThread('tenant-a', 'missing')).toBeUndefined();
      });

      test('rejects a second thread with the same id in the same tenant', async () => {
        await repository.createThread(threadRecord({ thread_id: 'thread-1' }));
        await expect(repository.createThread(threadRecord({ thread_id: 'thread-1' }))).rejects.toThrow();
      });

      test('keeps ids containing separators and braces distinct', async () => {
        const tricky = ['plain', 'plain:metadata', 'plain:runs', '{plain}', 'tenant-b}:thread:plain'];
        for (const threadId of tricky) await repository.createThread(threadRecord({ thread_id: threadId, metadata: { id: threadId } }));
        for (const threadId of tricky) expect((await repository.getThread('tenant-a', threadId))?.metadata).toEqual({ id: threadId });
        expect(await repository.countThreads('tenant-a', {})).toBe(tricky.length);
        expect(await repository.getThread('tenant-b', 'plain')).toBeUndefined();
      });

      test('merges metadata key by key on update and keeps what the patch leaves out', async () => {
        await repository.createThread(
          threadRecord({ thread_id: 'thread-1', metadata: { kept: 1, replaced: { x: 1 } }, values: { v: 1 }, interrupts: { a: [1] } }),
        );
        now = new Date(minuteAt(2_000));
        const updated = await repository.updateThread('tenant-a', 'thread-1', { metadata: { replaced: { y: 2 }, added: [] } });
        const expected = threadRecord({
          thread_id: 'thread-1',
          metadata: { kept: 1, replaced: { y: 2 }, added: [] },
          values: { v: 1 },
          interrupts: { a: [1] },
          updated_at: minuteAt(2_000),
        });
        expect(updated).toEqual(expected);
        expect(await repository.getThread('tenant-a', 'thread-1')).toEqual(expected);
      });

      test('replaces status, values and interrupts given in an update', async () => {
        await repository.createThread(threadRecord({ thread_id: 'thread-1', values: { v: 1 }, interrupts: { a: [1] } }));
        await repository.updateThread('tenant-a', 'thread-1', { status: 'interrupted', values: { v: 2 }, interrupts: { b: [2] } });
        expect(await repository.getThread('tenant-a', 'thread-1')).toMatchObject({ status: 'interrupted', values: { v: 2 }, interrupts: { b: [2] } });
        await repository.updateThread('tenant-a', 'thread-1', { values: null, status: 'idle' });
        expect(await repository.getThread('tenant-a', 'thread-1')).toMatchObject({ status: 'idle', values: null, interrupts: { b: [2] } });
      });

      test('returns undefined when updating an unknown thread and does not create it', async () => {
        expect(await repository.updateThread('tenant-a', 'missing', { status: 'busy', metadata: { a: 1 } })).toBeUndefined();
        expect(await repository.getThread('tenant-a', 'missing')).toBeUndefined();
        expect(await repository.countThreads('tenant-a', {})).toBe(0);
      });

      test('deletes a thread with its runs and reports whether it existed', async () => {
        await repository.createThread(threadRecord({ thread_id: 'doomed' }));
        await repository.createThread(threadRecord({ thread_id: 'kept' }));
        await putRuns([
          runRecord({ run_id: 'run-1', thread_id: 'doomed', status: 'success' }),
          runRecord({ run_id: 'run-2', thread_id: 'doomed', status: 'running', created_at: minuteAt(1) }),
          runRecord({ run_id: 'run-3', thread_id: 'kept', status: 'pending', created_at: minuteAt(2) }),
        ]);
        expect(await repository.deleteThread('tenant-a', 'doomed')).toBe(true);
        expect(await repository.getThread('tenant-a', 'doomed')).toBeUndefined();
        expect(await repository.getRun('tenant-a', 'run-1')).toBeUndefined();
        expect(await repository.getRun('tenant-a', 'run-2')).toBeUndefined();
        expect(await repository.listRuns('tenant-a', 'doomed', { limit: 10, offset: 0 })).toEqual([]);
        expect(await repository.activeRuns('tenant-a', 'doomed')).toEqual([]);
        expect(runIds(await repository.staleRuns())).toEqual(['run-3']);
        expect(ids(await repository.searchThreads('tenant-a', everything))).toEqual(['kept']);
        expect(await repository.countThreads('tenant-a', {})).toBe(1);
        expect(await repository.deleteThread('tenant-a', 'doomed')).toBe(false);
        expect(runIds(await repository.activeRuns('tenant-a', 'kept'))).toEqual(['run-3']);
      });

      test('starts a thread recreated after deletion without the old runs', async () => {
        await repository.createThread(threadRecord({ thread_id: 'thread-1', metadata: { old: true } }));
        await repository.putRun(runRecord({ run_id: 'run-1', thread_id: 'thread-1' }));
        await repository.deleteThread('tenant-a', 'thread-1');
        await repository.createThread(threadRecord({ thread_id: 'thread-1' }));
        expect(await repository.getThread('tenant-a', 'thread-1')).toEqual(threadRecord({ thread_id: 'thread-1' }));
        expect(await repository.listRuns('tenant-a', 'thread-1', { limit: 10, offset: 0 })).toEqual([]);
        expect(await repository.activeRuns('tenant-a', 'thread-1')).toEqual([]);
      });
    });

    describe('thread search', () => {
      // Creation order, id order, status order and update order all differ.
      beforeEach(async () => {
        const seeds: Array<[string, number, ThreadStatus, Record<string, unknown>]> = [
          ['delta', 1, 'idle', { team: 'red', owner: { name: 'ann' } }],
          ['alpha', 2, 'idle', { team: 'blue' }],
          ['charlie', 3, 'busy', { team: 'red', owner: { name: 'bob' } }],
          ['bravo', 4, 'error', { team: 'red' }],
        ];
        for (const [threadId, minute, status, metadata] of seeds) {
          await repository.createThread(
            threadRecord({ thread_id: threadId, created_at: minuteAt(minute), updated_at: minuteAt(minute), status, metadata }),
          );
        }
        now = new Date(minuteAt(10));
        await repository.updateThread('tenant-a', 'alpha', { metadata: { touched: true } });
        now = new Date(minuteAt(11));
        await repository.updateThread('tenant-a', 'delta', { metadata: { touched: true } });
      });

      const search = (overrides: Partial<ThreadSearch>) => repository.searchThreads('tenant-a', { ...everything, ...overrides });

      test('sorts threads by created_at in either direction', async () => {
        expect(ids(await search({ sortBy: 'created_at', sortOrder: 'asc' }))).toEqual(['delta', 'alpha', 'charlie', 'bravo']);
        expect(ids(await search({ sortBy: 'created_at', sortOrder: 'desc' }))).toEqual(['bravo', 'charlie', 'alpha', 'delta']);
      });

      test('sorts threads by updated_at, which an update moves', async () => {
        expect(ids(await search({ sortBy: 'updated_at', sortOrder: 'asc' }))).toEqual(['charlie', 'bravo', 'alpha', 'delta']);
        expect(ids(await search({ sortBy: 'updated_at', sortOrder: 'desc' }))).toEqual(['delta', 'alpha', 'bravo', 'charlie']);
      });

      test('sorts threads by thread_id in either direction', async () => {
        expect(ids(await search({ sortBy: 'thread_id', sortOrder: 'asc' }))).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
        expect(ids(await search({ sortBy: 'thread_id', sortOrder: 'desc' }))).toEqual(['delta', 'charlie', 'bravo', 'alpha']);
      });

      test('sorts threads by status with ties broken by thread_id ascending', async () => {
        expect(ids(await search({ sortBy: 'status', sortOrder: 'asc' }))).toEqual(['charlie', 'bravo', 'alpha', 'delta']);
        expect(ids(await search({ sortBy: 'status', sortOrder: 'desc' }))).toEqual(['alpha', 'delta', 'bravo', 'charlie']);
      });

      test('breaks created_at ties by thread_id ascending in both directions', async () => {
        for (const threadId of ['tie-b', 'tie-a', 'tie-c']) {
          await repository.createThread(threadRecord({ thread_id: threadId, created_at: minuteAt(50), updated_at: minuteAt(50) }));
        }
        expect(ids(await search({ sortOrder: 'desc', limit: 3 }))).toEqual(['tie-a', 'tie-b', 'tie-c']);
        expect(ids(await search({ sortOrder: 'asc', offset: 4 }))).toEqual(['tie-a', 'tie-b', 'tie-c']);
      });

      test('pages through threads with limit and offset', async () => {
        expect(ids(await search({ limit: 2, offset: 1 }))).toEqual(['alpha', 'charlie']);
        expect(ids(await search({ limit: 2, offset: 3 }))).toEqual(['bravo']);
        expect(await search({ limit: 2, offset: 4 })).toEqual([]);
        expect(await search({ limit: 0, offset: 0 })).toEqual([]);
      });

      test('filters threads by status', async () => {
        expect(ids(await search({ status: 'idle' }))).toEqual(['delta', 'alpha']);
        expect(await repository.countThreads('tenant-a', { status: 'idle' })).toBe(2);
        expect(await repository.countThreads('tenant-a', { status: 'interrupted' })).toBe(0);
      });

      test('filters threads by metadata containment, comparing nested values whole', async () => {
        expect(ids(await search({ metadata: { team: 'red' } }))).toEqual(['delta', 'charlie', 'bravo']);
        expect(ids(await search({ metadata: { owner: { name: 'ann' } } }))).toEqual(['delta']);
        expect(ids(await search({ metadata: { team: 'red', owner: { name: 'bob' } } }))).toEqual(['charlie']);
        expect(await search({ metadata: { owner: {} } })).toEqual([]);
        expect(await repository.countThreads('tenant-a', { metadata: { team: 'red' } })).toBe(3);
        expect(await repository.countThreads('tenant-a', { metadata: { touched: true } })).toBe(2);
      });

      test('filters threads by ids, ignoring unknown ones', async () => {
        expect(ids(await search({ ids: ['bravo', 'unknown', 'delta'] }))).toEqual(['delta', 'bravo']);
        expect(await repository.countThreads('tenant-a', { ids: ['bravo', 'unknown', 'delta'] })).toBe(2);
      });

      test('combines filters with sorting and paging', async () => {
        const red = { metadata: { team: 'red' }, sortBy: 'thread_id', sortOrder: 'desc' } as const;
        expect(ids(await search({ ...red, limit: 1, offset: 1 }))).toEqual(['charlie']);
        expect(ids(await search({ ...red, status: 'idle' }))).toEqual(['delta']);
        expect(ids(await search({ ids: ['alpha', 'bravo', 'charlie'], metadata: { team: 'red' }, sortBy: 'updated_at' }))).toEqual(['charlie', 'bravo']);
        expect(await repository.countThreads('tenant-a', { metadata: { team: 'red' }, status: 'idle', ids: ['delta', 'alpha'] })).toBe(1);
      });

      test('counts every thread of the tenant without filters', async () => {
        expect(await repository.countThreads('tenant-a', {})).toBe(4);
      });

      test('finds filtered threads spread over many more threads than one page', async () => {
        for (let index = 0; index < 250; index += 1) {
          const created = minuteAt(100 + index);
          await repository.createThread(
            threadRecord({ thread_id: `many-${String(index).padStart(3, '0')}`, created_at: created, updated_at: created, metadata: { fifth: index % 5 === 0 } }),
          );
        }
        expect(await repository.countThreads('tenant-a', { metadata: { fifth: true } })).toBe(50);
        const page = await search({ metadata: { fifth: true }, sortOrder: 'desc', limit: 10, offset: 45 });
        expect(ids(page)).toEqual(['many-020', 'many-015', 'many-010', 'many-005', 'many-000']);
      });
    });

    describe('runs', () => {
      test('reads back a stored run whole', async () => {
        const run = runRecord({
          run_id: 'run-1',
          thread_id: 'thread-1',
          metadata: { source: 'test', empty: [] },
          kwargs: {
            input: { messages: [{ role: 'user', content: 'hi' }] },
            command: null,
            config: { configurable: { scopes: [] }, tags: ['a'], recursion_limit: 10 },
            stream_mode: ['values', 'updates'],
            subgraphs: true,
            interrupt_before: '*',
            temporary: true,
            on_disconnect: 'cancel',
          },
          checkpoint_before: null,
          error: null,
        });
        await repository.putRun(run);
        expect(await repository.getRun('tenant-a', 'run-1')).toEqual(run);
      });

      test('returns undefined for an unknown run', async () => {
        expect(await repository.getRun('tenant-a', 'missing')).toBeUndefined();
      });

      test('replaces a run when it is put again', async () => {
        await repository.putRun(runRecord({ run_id: 'run-1', thread_id: 'thread-1', status: 'running', metadata: { first: true } }));
        const replaced = runRecord({ run_id: 'run-1', thread_id: 'thread-1', status: 'success', metadata: { second: true } });
        await repository.putRun(replaced);
        expect(await repository.getRun('tenant-a', 'run-1')).toEqual(replaced);
        expect(await repository.listRuns('tenant-a', 'thread-1', { limit: 10, offset: 0 })).toEqual([replaced]);
        expect(await repository.activeRuns('tenant-a', 'thread-1')).toEqual([]);
        expect(await repository.staleRuns()).toEqual([]);
      });

      test("lists a thread's runs newest first with limit and offset", async () => {
        await putRuns([1, 3, 2, 5, 4].map((minute) => runRecord({ run_id: `run-${minute}`, thread_id: 'thread-1', created_at: minuteAt(minute) })));
        await repository.putRun(runRecord({ run_id: 'other', thread_id: 'thread-2', created_at: minuteAt(3) }));
        const list = (limit: number, offset: number) => repository.listRuns('tenant-a', 'thread-1', { limit, offset });
        expect(runIds(await list(10, 0))).toEqual(['run-5', 'run-4', 'run-3', 'run-2', 'run-1']);
        expect(runIds(await list(2, 1))).toEqual(['run-4', 'run-3']);
        expect(await list(2, 5)).toEqual([]);
        expect(await list(0, 0)).toEqual([]);
      });

      test('lists runs created at the same moment by run id, highest first', async () => {
        await putRuns(['run-b', 'run-c', 'run-a'].map((runId) => runRecord({ run_id: runId, thread_id: 'thread-1' })));
        expect(runIds(await repository.listRuns('tenant-a', 'thread-1', { limit: 10, offset: 0 }))).toEqual(['run-c', 'run-b', 'run-a']);
      });

      test('filters listed runs by status before paging', async () => {
        const statuses: RunStatus[] = ['success', 'error', 'success', 'pending', 'success', 'success'];
        await putRuns(statuses.map((status, index) => runRecord({ run_id: `run-${index}`, thread_id: 'thread-1', status, created_at: minuteAt(index) })));
        const list = (status: RunStatus, limit: number, offset: number) => repository.listRuns('tenant-a', 'thread-1', { status, limit, offset });
        expect(runIds(await list('success', 10, 0))).toEqual(['run-5', 'run-4', 'run-2', 'run-0']);
        expect(runIds(await list('success', 2, 1))).toEqual(['run-4', 'run-2']);
        expect(runIds(await list('error', 10, 0))).toEqual(['run-1']);
        expect(await list('timeout', 10, 0)).toEqual([]);
      });

      test("lists the tenant's runs of every thread newest first, with limit, offset and a before cursor", async () => {
        await putRuns([
          runRecord({ run_id: 'run-1', thread_id: 'thread-1', created_at: minuteAt(1) }),
          runRecord({ run_id: 'run-4', thread_id: 'thread-2', created_at: minuteAt(4) }),
          runRecord({ run_id: 'run-2', thread_id: 'thread-3', created_at: minuteAt(2) }),
          runRecord({ run_id: 'run-3b', thread_id: 'thread-1', created_at: minuteAt(3) }),
          runRecord({ run_id: 'run-3a', thread_id: 'thread-2', created_at: minuteAt(3) }),
          runRecord({ run_id: 'run-5', thread_id: 'thread-3', created_at: minuteAt(5) }),
        ]);
        const list = (options: { limit: number; offset?: number; before?: string }) => repository.listTenantRuns('tenant-a', { offset: 0, ...options });
        expect(runIds(await list({ limit: 10 }))).toEqual(['run-5', 'run-4', 'run-3b', 'run-3a', 'run-2', 'run-1']);
        expect(runIds(await list({ limit: 2, offset: 1 }))).toEqual(['run-4', 'run-3b']);
        // Paging by cursor, through a tie on created_at.
        expect(runIds(await list({ limit: 2, before: 'run-3b' }))).toEqual(['run-3a', 'run-2']);
        expect(runIds(await list({ limit: 2, before: 'run-3a', offset: 1 }))).toEqual(['run-1']);
        expect(await list({ limit: 2, before: 'run-1' })).toEqual([]);
        expect(await list({ limit: 2, before: 'missing' })).toEqual([]);
        expect(await list({ limit: 0 })).toEqual([]);
        expect(await list({ limit: 10 })).toEqual(await Promise.all(['run-5', 'run-4', 'run-3b', 'run-3a', 'run-2', 'run-1'].map((runId) => repository.getRun('tenant-a', runId))));
      });

      test("filters the tenant's runs by their current status before paging", async () => {
        const statuses: RunStatus[] = ['success', 'error', 'success', 'pending', 'success', 'success'];
        await putRuns(statuses.map((status, index) => runRecord({ run_id: `run-${index}`, thread_id: `thread-${index % 2}`, status, created_at: minuteAt(index) })));
        await repository.updateRun('run-3', { status: 'success' });
        const list = (status: RunStatus, limit: number, offset: number, before?: string) => repository.listTenantRuns('tenant-a', { status, limit, offset, before });
        expect(runIds(await list('success', 10, 0))).toEqual(['run-5', 'run-4', 'run-3', 'run-2', 'run-0']);
        expect(runIds(await list('success', 2, 1))).toEqual(['run-4', 'run-3']);
        expect(runIds(await list('success', 2, 0, 'run-3'))).toEqual(['run-2', 'run-0']);
        expect(runIds(await list('error', 10, 0))).toEqual(['run-1']);
        expect(await list('pending', 10, 0)).toEqual([]);
      });

      test("drops deleted runs and deleted threads' runs from the tenant's run list", async () => {
        await putRuns([
          runRecord({ run_id: 'run-1', thread_id: 'thread-1', created_at: minuteAt(1) }),
          runRecord({ run_id: 'run-2', thread_id: 'thread-2', created_at: minuteAt(2) }),
          runRecord({ run_id: 'run-3', thread_id: 'thread-2', created_at: minuteAt(3) }),
          runRecord({ run_id: 'run-4', thread_id: 'thread-3', created_at: minuteAt(4) }),
        ]);
        await repository.createThread(threadRecord({ thread_id: 'thread-2' }));
        await repository.deleteRun('tenant-a', 'run-4');
        await repository.deleteThread('tenant-a', 'thread-2');
        expect(runIds(await repository.listTenantRuns('tenant-a', { limit: 10, offset: 0 }))).toEqual(['run-1']);
        // A run put again keeps one entry.
        await repository.putRun(runRecord({ run_id: 'run-1', thread_id: 'thread-1', created_at: minuteAt(1), status: 'success' }));
        expect(await repository.listTenantRuns('tenant-a', { limit: 10, offset: 0 })).toMatchObject([{ run_id: 'run-1', status: 'success' }]);
      });

      test('returns only pending and running runs as active, oldest first', async () => {
        await putRuns([
          runRecord({ run_id: 'pending-late', thread_id: 'thread-1', status: 'pending', created_at: minuteAt(3) }),
          runRecord({ run_id: 'running-early', thread_id: 'thread-1', status: 'running', created_at: minuteAt(1) }),
          runRecord({ run_id: 'done', thread_id: 'thread-1', status: 'success', created_at: minuteAt(2) }),
          runRecord({ run_id: 'stopped', thread_id: 'thread-1', status: 'interrupted', created_at: minuteAt(0) }),
          runRecord({ run_id: 'elsewhere', thread_id: 'thread-2', status: 'pending', created_at: minuteAt(0) }),
        ]);
        expect(runIds(await repository.activeRuns('tenant-a', 'thread-1'))).toEqual(['running-early', 'pending-late']);
      });

      test('updates status, error and checkpoint of a run, stamps updated_at and keeps the rest', async () => {
        const run = runRecord({ run_id: 'run-1', thread_id: 'thread-1', status: 'pending', metadata: { keep: 'me' } });
        await repository.putRun(run);
        now = new Date(minuteAt(2_000));
        await repository.updateRun('run-1', { status: 'running', checkpoint_before: 'checkpoint-1' });
        expect(await repository.getRun('tenant-a', 'run-1')).toEqual({ ...run, status: 'running', checkpoint_before: 'checkpoint-1', updated_at: minuteAt(2_000) });
        expect(runIds(await repository.activeRuns('tenant-a', 'thread-1'))).toEqual(['run-1']);
        await repository.updateRun('run-1', { status: 'error', error: { code: 'INTERNAL', message: 'boom' } });
        expect(await repository.getRun('tenant-a', 'run-1')).toMatchObject({ status: 'error', error: { code: 'INTERNAL', message: 'boom' }, checkpoint_before: 'checkpoint-1' });
        expect(await repository.activeRuns('tenant-a', 'thread-1')).toEqual([]);
        expect(await repository.staleRuns()).toEqual([]);
        expect(runIds(await repository.listRuns('tenant-a', 'thread-1', { status: 'error', limit: 10, offset: 0 }))).toEqual(['run-1']);
      });

      test('makes a finished run active again when updated back to pending', async () => {
        await repository.putRun(runRecord({ run_id: 'run-1', thread_id: 'thread-1', status: 'interrupted' }));
        await repository.updateRun('run-1', { status: 'pending' });
        expect(runIds(await repository.activeRuns('tenant-a', 'thread-1'))).toEqual(['run-1']);
        expect(runIds(await repository.staleRuns())).toEqual(['run-1']);
      });

      test('ignores an update of an unknown run', async () => {
        await expect(repository.updateRun('missing', { status: 'success' })).resolves.toBeUndefined();
        expect(await repository.getRun('tenant-a', 'missing')).toBeUndefined();
        expect(await repository.staleRuns()).toEqual([]);
      });

      test('deletes a run from reads, listings, active runs and stale runs', async () => {
        await putRuns([
          runRecord({ run_id: 'run-1', thread_id: 'thread-1', status: 'running', created_at: minuteAt(1) }),
          runRecord({ run_id: 'run-2', thread_id: 'thread-1', status: 'pending', created_at: minuteAt(2) }),
        ]);
        expect(await repository.deleteRun('tenant-a', 'run-1')).toBe(true);
        expect(await repository.getRun('tenant-a', 'run-1')).toBeUndefined();
        expect(runIds(await repository.listRuns('tenant-a', 'thread-1', { limit: 10, offset: 0 }))).toEqual(['run-2']);
        expect(runIds(await repository.activeRuns('tenant-a', 'thread-1'))).toEqual(['run-2']);
        expect(runIds(await repository.staleRuns())).toEqual(['run-2']);
        expect(await repository.deleteRun('tenant-a', 'run-1')).toBe(false);
        await repository.updateRun('run-1', { status: 'running' });
        expect(await repository.getRun('tenant-a', 'run-1')).toBeUndefined();
      });

      test('returns pending and running runs of every tenant as stale, oldest first', async () => {
        await putRuns([
          runRecord({ run_id: 'a-running', thread_id: 'thread-1', status: 'running', created_at: minuteAt(3) }),
          runRecord({ run_id: 'a-done', thread_id: 'thread-1', status: 'success', created_at: minuteAt(0) }),
          runRecord({ run_id: 'b-pending', tenant_id: 'tenant-b', thread_id: 'thread-9', status: 'pending', created_at: minuteAt(1) }),
          runRecord({ run_id: 'a-pending', thread_id: 'thread-2', status: 'pending', created_at: minuteAt(2) }),
          runRecord({ run_id: 'b-timeout', tenant_id: 'tenant-b', thread_id: 'thread-9', status: 'timeout', created_at: minuteAt(0) }),
        ]);
        const stale = await repository.staleRuns();
        expect(runIds(stale)).toEqual(['b-pending', 'a-pending', 'a-running']);
        expect(stale[0]).toEqual(await repository.getRun('tenant-b', 'b-pending'));
      });
    });

    describe('tenant isolation', () => {
      beforeEach(async () => {
        await repository.createThread(threadRecord({ thread_id: 'private', metadata: { team: 'red' } }));
        await repository.putRun(runRecord({ run_id: 'private-run', thread_id: 'private', status: 'running' }));
      });

      test("keeps one tenant's threads out of another's reads, searches and counts", async () => {
        expect(await repository.getThread('tenant-b', 'private')).toBeUndefined();
        expect(await repository.searchThreads('tenant-b', everything)).toEqual([]);
        expect(await repository.searchThreads('tenant-b', { ...everything, ids: ['private'], metadata: { team: 'red' } })).toEqual([]);
        expect(await repository.countThreads('tenant-b', {})).toBe(0);
        expect(await repository.countThreads('tenant-b', { ids: ['private'] })).toBe(0);
      });

      test("neither updates nor deletes another tenant's thread", async () => {
        expect(await repository.updateThread('tenant-b', 'private', { status: 'error', metadata: { team: 'blue' } })).toBeUndefined();
        expect(await repository.deleteThread('tenant-b', 'private')).toBe(false);
        expect(await repository.getThread('tenant-a', 'private')).toEqual(threadRecord({ thread_id: 'private', metadata: { team: 'red' } }));
        expect(runIds(await repository.listRuns('tenant-a', 'private', { limit: 10, offset: 0 }))).toEqual(['private-run']);
        expect(await repository.getThread('tenant-b', 'private')).toBeUndefined();
      });

      test("keeps one tenant's runs out of another's reads and lists, and refuses to delete them", async () => {
        expect(await repository.getRun('tenant-b', 'private-run')).toBeUndefined();
        expect(await repository.listRuns('tenant-b', 'private', { limit: 10, offset: 0 })).toEqual([]);
        expect(await repository.activeRuns('tenant-b', 'private')).toEqual([]);
        expect(await repository.deleteRun('tenant-b', 'private-run')).toBe(false);
        expect(await repository.getRun('tenant-a', 'private-run')).toMatchObject({ status: 'running' });
      });

      test("never lists one tenant's runs in another tenant's run list", async () => {
        await repository.putRun(runRecord({ run_id: 'b-run', tenant_id: 'tenant-b', thread_id: 'b-thread', status: 'running', created_at: minuteAt(5) }));
        expect(runIds(await repository.listTenantRuns('tenant-b', { limit: 10, offset: 0 }))).toEqual(['b-run']);
        expect(runIds(await repository.listTenantRuns('tenant-b', { limit: 10, offset: 0, status: 'running' }))).toEqual(['b-run']);
        // A cursor naming another tenant's run is unknown here.
        expect(await repository.listTenantRuns('tenant-b', { limit: 10, offset: 0, before: 'private-run' })).toEqual([]);
        expect(runIds(await repository.listTenantRuns('tenant-a', { limit: 10, offset: 0 }))).toEqual(['private-run']);
        expect(await repository.listTenantRuns('tenant-c', { limit: 10, offset: 0 })).toEqual([]);
      });

      test('keeps two tenants with the same thread id apart', async () => {
        await repository.createThread(threadRecord({ thread_id: 'private', tenant_id: 'tenant-b', metadata: { team: 'blue' } }));
        await repository.putRun(runRecord({ run_id: 'b-run', tenant_id: 'tenant-b', thread_id: 'private', status: 'pending' }));
        await repository.updateThread('tenant-b', 'private', { metadata: { extra: 1 } });
        expect((await repository.getThread('tenant-a', 'private'))?.metadata).toEqual({ team: 'red' });
        expect(runIds(await repository.activeRuns('tenant-a', 'private'))).toEqual(['private-run']);
        expect(runIds(await repository.activeRuns('tenant-b', 'private'))).toEqual(['b-run']);
        expect(await repository.deleteThread('tenant-b', 'private')).toBe(true);
        expect(await repository.getThread('tenant-a', 'private')).toMatchObject({ metadata: { team: 'red' } });
        expect(await repository.getRun('tenant-a', 'private-run')).toMatchObject({ status: 'running' });
        expect(runIds(await repository.staleRuns())).toEqual(['private-run']);
      });

      test("never lets a run put by another tenant replace a tenant's run", async () => {
        const original = await repository.getRun('tenant-a', 'private-run');
        const intruder = runRecord({ run_id: 'private-run', tenant_id: 'tenant-b', thread_id: 'private', status: 'success', metadata: { stolen: true } });
        await repository.putRun(intruder).catch(() => undefined);
        expect(await repository.getRun('tenant-a', 'private-run')).toEqual(original);
      });
    });
  });
}
