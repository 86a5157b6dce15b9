import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.ts';
import { createSqliteEffectLedger } from './sqlite-effect-ledger.ts';

const claim = { toolName: 'issue_refund', argsHash: 'hash-a', tenantId: 'tenant-1' };

function newLedger() {
  const database = openDatabase(':memory:', { vectors: false });
  return { database, ledger: createSqliteEffectLedger(database, { clock: () => new Date('2026-04-01T12:00:00Z') }) };
}

describe('createSqliteEffectLedger', () => {
  it('claims an unseen key once; a second claim while it runs is in doubt', async () => {
    const { ledger } = newLedger();
    expect(await ledger.begin('key-1', claim)).toEqual({ state: 'new' });
    expect(await ledger.begin('key-1', claim)).toEqual({ state: 'in_doubt', startedAt: '2026-04-01T12:00:00.000Z' });
  });

  it('returns the recorded result for a completed key', async () => {
    const { ledger } = newLedger();
    await ledger.begin('key-1', claim);
    await ledger.complete('key-1', { refundId: 7 });
    expect(await ledger.begin('key-1', claim)).toEqual({ state: 'done', result: { refundId: 7 } });
    expect(await ledger.get('key-1')).toMatchObject({ status: 'done', result: { refundId: 7 }, attempts: 1, finishedAt: '2026-04-01T12:00:00.000Z' });
  });

  it('lets a failed attempt be claimed again and counts the attempts', async () => {
    const { ledger } = newLedger();
    await ledger.begin('key-1', claim);
    await ledger.fail('key-1', 'amount too high');
    expect(await ledger.get('key-1')).toMatchObject({ status: 'failed', errorMessage: 'amount too high' });
    expect(await ledger.begin('key-1', claim)).toEqual({ state: 'new' });
    expect(await ledger.get('key-1')).toMatchObject({ status: 'started', attempts: 2 });
    expect((await ledger.get('key-1'))?.errorMessage).toBeUndefined();
  });

  it('reports a conflict when a key is reused for other arguments, another tool or another tenant', async () => {
    const { ledger } = newLedger();
    await ledger.begin('key-1', claim);
    await ledger.complete('key-1', { ok: true });
    for (const other of [{ ...claim, argsHash: 'hash-b' }, { ...claim, toolName: 'cancel_order' }, { ...claim, tenantId: 'tenant-2' }]) {
      expect(await ledger.begin('key-1', other)).toMatchObject({ state: 'conflict', record: { argsHash: 'hash-a', toolName: 'issue_refund' } });
    }
  });

  it('refuses to complete or fail a key that is not in progress', async () => {
    const { ledger } = newLedger();
    await expect(ledger.complete('never-claimed', 1)).rejects.toMatchObject({ code: 'CONFLICT' });
    await ledger.begin('key-1', claim);
    await ledger.complete('key-1', 1);
    await expect(ledger.fail('key-1', 'late failure')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await ledger.get('key-1')).toMatchObject({ status: 'done', result: 1 });
  });

  it('reports SQLite faults as a storage error with the cause attached', async () => {
    const { database, ledger } = newLedger();
    database.close();
    await expect(ledger.get('key-1')).rejects.toMatchObject({ code: 'STORAGE_ERROR', cause: expect.any(Error) });
  });

  it('sees claims made through another connection to the same database file', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'effect-ledger-'));
    try {
      const first = openDatabase(path.join(directory, 'ledger.db'), { vectors: false });
      const second = openDatabase(path.join(directory, 'ledger.db'), { vectors: false });
      expect(await createSqliteEffectLedger(first).begin('key-1', claim)).toEqual({ state: 'new' });
      expect(await createSqliteEffectLedger(second).begin('key-1', claim)).toMatchObject({ state: 'in_doubt' });
      first.close();
      second.close();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
