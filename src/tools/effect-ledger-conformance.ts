import { describe, expect, it } from 'vitest';
import type { EffectLedger } from './effect-ledger.ts';

/** Makes a fresh, empty ledger whose clock always reads `now`. */
export type EffectLedgerFactory = (now: () => Date) => Promise<EffectLedger>;

const claim = { toolName: 'issue_refund', argsHash: 'hash-a', tenantId: 'tenant-1' };
const now = () => new Date('2026-04-01T12:00:00Z');

/**
 * The behaviour every EffectLedger implementation must share; run it from each
 * implementation's test file so SQLite and Redis cannot drift apart.
 */
export function describeEffectLedgerConformance(name: string, create: EffectLedgerFactory): void {
  describe(`${name} (effect ledger conformance)`, () => {
    it('claims an unseen key once; a second claim while it runs is in doubt', async () => {
      const ledger = await create(now);
      expect(await ledger.begin('key-1', claim)).toEqual({ state: 'new' });
      expect(await ledger.begin('key-1', claim)).toEqual({ state: 'in_doubt', startedAt: '2026-04-01T12:00:00.000Z' });
    });

    it('returns the recorded result for a completed key', async () => {
      const ledger = await create(now);
      await ledger.begin('key-1', claim);
      await ledger.complete('key-1', { refundId: 7 });
      expect(await ledger.begin('key-1', claim)).toEqual({ state: 'done', result: { refundId: 7 } });
      expect(await ledger.get('key-1')).toMatchObject({ status: 'done', result: { refundId: 7 }, attempts: 1, finishedAt: '2026-04-01T12:00:00.000Z' });
    });

    it('lets a failed attempt be claimed again and counts the attempts', async () => {
      const ledger = await create(now);
      await ledger.begin('key-1', claim);
      await ledger.fail('key-1', 'amount too high');
      expect(await ledger.get('key-1')).toMatchObject({ status: 'failed', errorMessage: 'amount too high' });
      expect(await ledger.begin('key-1', claim)).toEqual({ state: 'new' });
      expect(await ledger.get('key-1')).toMatchObject({ status: 'started', attempts: 2 });
      expect((await ledger.get('key-1'))?.errorMessage).toBeUndefined();
    });

    it('reports a conflict when a key is reused for other arguments, another tool or another tenant', async () => {
      const ledger = await create(now);
      await ledger.begin('key-1', claim);
      await ledger.complete('key-1', { ok: true });
      for (const other of [{ ...claim, argsHash: 'hash-b' }, { ...claim, toolName: 'cancel_order' }, { ...claim, tenantId: 'tenant-2' }]) {
        expect(await ledger.begin('key-1', other)).toMatchObject({ state: 'conflict', record: { argsHash: 'hash-a', toolName: 'issue_refund' } });
      }
    });

    it('refuses to complete or fail a key that is not in progress', async () => {
      const ledger = await create(now);
      await expect(ledger.complete('never-claimed', 1)).rejects.toMatchObject({ code: 'CONFLICT' });
      await ledger.begin('key-1', claim);
      await ledger.complete('key-1', 1);
      await expect(ledger.fail('key-1', 'late failure')).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await ledger.get('key-1')).toMatchObject({ status: 'done', result: 1 });
    });

    it('records null for an undefined result and returns undefined for an unknown key', async () => {
      const ledger = await create(now);
      await ledger.begin('key-1', claim);
      await ledger.complete('key-1', undefined);
      expect(await ledger.begin('key-1', claim)).toEqual({ state: 'done', result: null });
      expect(await ledger.get('unknown')).toBeUndefined();
    });

    it('lets exactly one of many concurrent claims of one key win', async () => {
      const ledger = await create(now);
      const claims = await Promise.all(Array.from({ length: 10 }, () => ledger.begin('key-race', claim)));
      expect(claims.filter((result) => result.state === 'new')).toHaveLength(1);
    });
  });
}
