import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addCounters, countersOf, emptyCounters, type ModelUsageRecord, type UsageStore } from './model-usage.ts';

export interface UsageStoreFixture {
  store: UsageStore;
  cleanup: () => Promise<void>;
}

function call(overrides: Partial<ModelUsageRecord> = {}): ModelUsageRecord {
  return {
    tenantId: 'tenant-a',
    runId: 'run-1',
    threadId: 'thread-1',
    role: 'supervisor',
    model: 'gpt-4o-mini',
    at: '2026-04-01T10:00:00.000Z',
    inputTokens: 1_000,
    outputTokens: 100,
    cachedTokens: 0,
    reasoningTokens: 0,
    costNanoUsd: 210_000,
    estimated: false,
    ...overrides,
  };
}

// Two runs on two threads over two days, four roles' calls, one estimated.
const calls: ModelUsageRecord[] = [
  call(),
  call({ role: 'retriever', inputTokens: 2_400, outputTokens: 180, cachedTokens: 1_024, costNanoUsd: 390_600 }),
  call({ role: 'executor', model: 'gpt-4o', inputTokens: 3_100, outputTokens: 240, reasoningTokens: 64, costNanoUsd: 10_150_000 }),
  call({ runId: 'run-2', threadId: 'thread-2', at: '2026-04-02T23:59:59.000Z', role: 'reviewer', inputTokens: 900, outputTokens: 20, costNanoUsd: 147_000 }),
  call({ runId: 'run-2', threadId: 'thread-2', at: '2026-04-02T08:00:00.000Z', model: 'overseer-offline-supervisor', inputTokens: 310, outputTokens: 12, costNanoUsd: 0, estimated: true }),
];
const sum = (records: ModelUsageRecord[]) => records.reduce((total, record) => addCounters(total, countersOf(record)), emptyCounters());

/** The behaviour every usage store shares (SQLite, Redis), run against each. */
export function describeUsageStoreContract(name: string, create: () => Promise<UsageStoreFixture>) {
  describe(`usage store contract (${name})`, () => {
    let fixture: UsageStoreFixture;
    let store: UsageStore;
    beforeEach(async () => {
      fixture = await create();
      store = fixture.store;
      for (const record of calls) await store.record(record);
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('sums a run\'s calls, cached, reasoning and estimated ones included', async () => {
      expect(await store.forRun('tenant-a', 'run-1')).toEqual(sum(calls.slice(0, 3)));
      const second = await store.forRun('tenant-a', 'run-2');
      expect(second).toEqual(sum(calls.slice(3)));
      expect(second.estimatedCalls).toBe(1);
    });

    it('answers zero for a run without calls', async () => {
      expect(await store.forRun('tenant-a', 'run-unknown')).toEqual(emptyCounters());
    });

    it('totals the tenant\'s calls with or without grouping, and groups add up to the totals', async () => {
      const plain = await store.summarize({ tenantId: 'tenant-a' });
      expect(plain).toEqual({ totals: sum(calls), groups: [] });
      for (const groupBy of ['agent', 'model', 'day', 'thread'] as const) {
        const summary = await store.summarize({ tenantId: 'tenant-a', groupBy });
        expect(summary.totals).toEqual(sum(calls));
        expect(summary.groups.reduce((total, group) => addCounters(total, group.counters), emptyCounters())).toEqual(sum(calls));
      }
    });

    it('groups by agent role, model, UTC day and thread, sorted by key', async () => {
      const keys = async (groupBy: 'agent' | 'model' | 'day' | 'thread') =>
        (await store.summarize({ tenantId: 'tenant-a', groupBy })).groups.map((group) => group.key);
      expect(await keys('agent')).toEqual(['executor', 'retriever', 'reviewer', 'supervisor']);
      expect(await keys('model')).toEqual(['gpt-4o', 'gpt-4o-mini', 'overseer-offline-supervisor']);
      expect(await keys('day')).toEqual(['2026-04-01', '2026-04-02']);
      expect(await keys('thread')).toEqual(['thread-1', 'thread-2']);
      const byAgent = await store.summarize({ tenantId: 'tenant-a', groupBy: 'agent' });
      expect(byAgent.groups.find((group) => group.key === 'supervisor')?.counters).toEqual(sum([calls[0]!, calls[4]!]));
    });

    it('keeps only the days from `from` to `to`, both included', async () => {
      expect((await store.summarize({ tenantId: 'tenant-a', from: '2026-04-02' })).totals).toEqual(sum(calls.slice(3)));
      expect((await store.summarize({ tenantId: 'tenant-a', to: '2026-04-01' })).totals).toEqual(sum(calls.slice(0, 3)));
      expect((await store.summarize({ tenantId: 'tenant-a', from: '2026-04-02', to: '2026-04-02', groupBy: 'day' })).groups.map((group) => group.key)).toEqual(['2026-04-02']);
      expect(await store.summarize({ tenantId: 'tenant-a', from: '2026-05-01', groupBy: 'agent' })).toEqual({ totals: emptyCounters(), groups: [] });
    });

    it('shows another tenant none of it, even with the same run and thread ids', async () => {
      expect(await store.forRun('tenant-b', 'run-1')).toEqual(emptyCounters());
      expect(await store.summarize({ tenantId: 'tenant-b', groupBy: 'thread' })).toEqual({ totals: emptyCounters(), groups: [] });
      await store.record(call({ tenantId: 'tenant-b', inputTokens: 7, outputTokens: 3, costNanoUsd: 3_000 }));
      expect((await store.forRun('tenant-b', 'run-1')).inputTokens).toBe(7);
      expect(await store.forRun('tenant-a', 'run-1')).toEqual(sum(calls.slice(0, 3)));
    });

    it('groups by the routing tier, a call made outside the routing policy under "unrouted"', async () => {
      await store.record(call({ tier: 'routine', at: '2026-04-05T00:00:00.000Z' }));
      await store.record(call({ tier: 'routine', at: '2026-04-05T01:00:00.000Z', inputTokens: 500 }));
      await store.record(call({ tier: 'premium', model: 'gpt-4o', at: '2026-04-05T02:00:00.000Z' }));
      const summary = await store.summarize({ tenantId: 'tenant-a', from: '2026-04-05', groupBy: 'tier' });
      expect(summary.groups.map((group) => [group.key, group.counters.calls, group.counters.inputTokens])).toEqual([['premium', 1, 1_000], ['routine', 2, 1_500]]);
      const earlier = await store.summarize({ tenantId: 'tenant-a', to: '2026-04-02', groupBy: 'tier' });
      expect(earlier.groups.map((group) => [group.key, group.counters.calls])).toEqual([['unrouted', calls.length]]);
    });

    it('groups a call without a thread under "-"', async () => {
      await store.record(call({ runId: undefined, threadId: undefined, at: '2026-04-03T00:00:00.000Z' }));
      const summary = await store.summarize({ tenantId: 'tenant-a', from: '2026-04-03', groupBy: 'thread' });
      expect(summary.groups.map((group) => group.key)).toEqual(['-']);
    });
  });
}
