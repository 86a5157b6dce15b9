import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { describeAnswerCacheContract } from './answer-cache-conformance.ts';
import { createSqliteAnswerCache } from './sqlite-answer-cache.ts';

function openDatabase() {
  const directory = mkdtempSync(path.join(tmpdir(), 'answer-cache-'));
  const database = new DatabaseSync(path.join(directory, 'cache.db'));
  return { database, close: async () => { database.close(); rmSync(directory, { recursive: true, force: true }); } };
}

describeAnswerCacheContract('SQLite', async () => {
  const { database, close } = openDatabase();
  return { cache: createSqliteAnswerCache(database, { ttlMs: 60_000 }), close };
});

describe('SQLite answer cache', () => {
  it('stops serving an answer once it is older than the TTL, and prunes it', async () => {
    const { database, close } = openDatabase();
    let now = new Date('2026-04-01T12:00:00Z');
    const cache = createSqliteAnswerCache(database, { ttlMs: 60_000, clock: () => now });
    await cache.set('acme', { question: 'Refund policy?', generation: '1:1' }, { summary: 'x' });
    now = new Date('2026-04-01T12:01:01Z');
    expect(await cache.get('acme', { question: 'Refund policy?', generation: '1:1' })).toBeUndefined();
    await cache.set('acme', { question: 'Other?', generation: '1:1' }, { summary: 'y' });
    expect(database.prepare('SELECT COUNT(*) AS count FROM answer_cache').get()).toEqual({ count: 1 });
    await close();
  });
});
