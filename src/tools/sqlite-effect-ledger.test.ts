import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.ts';
import { describeEffectLedgerConformance } from './effect-ledger-conformance.ts';
import { createSqliteEffectLedger } from './sqlite-effect-ledger.ts';

const claim = { toolName: 'issue_refund', argsHash: 'hash-a', tenantId: 'tenant-1' };

function newLedger() {
  const database = openDatabase(':memory:', { vectors: false });
  return { database, ledger: createSqliteEffectLedger(database, { clock: () => new Date('2026-04-01T12:00:00Z') }) };
}

describeEffectLedgerConformance('createSqliteEffectLedger', async (clock) => createSqliteEffectLedger(openDatabase(':memory:', { vectors: false }), { clock }));

describe('createSqliteEffectLedger', () => {
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
