import { describe, expect, it } from 'vitest';
import type { AnswerCache } from './answer-cache.ts';

/**
 * What every answer cache must do, run against each backend: hits for the same question
 * however it is spaced or capitalised, misses for another generation, another question or
 * another tenant, and a later answer replaces an earlier one.
 * @example describeAnswerCacheContract('SQLite', async () => ({ cache: createSqliteAnswerCache(database, { ttlMs }), close }));
 */
export function describeAnswerCacheContract(name: string, open: () => Promise<{ cache: AnswerCache; close(): Promise<void> }>): void {
  describe(`answer cache contract: ${name}`, () => {
    const answer = { summary: 'Refunds are issued within 30 days [refund-policy#1].', citations: [{ documentId: 'refund-policy', chunkIndex: 1 }] };

    it('hits for the same question, normalised, under the same generation', async () => {
      const { cache, close } = await open();
      await cache.set('acme', { question: 'What is the refund policy?', generation: '3:1' }, answer);
      expect(await cache.get('acme', { question: '  what is the REFUND   policy ', generation: '3:1' })).toEqual(answer);
      await close();
    });

    it('misses under another generation, for another question, and for another tenant', async () => {
      const { cache, close } = await open();
      await cache.set('acme', { question: 'What is the refund policy?', generation: '3:1' }, answer);
      expect(await cache.get('acme', { question: 'What is the refund policy?', generation: '4:1' })).toBeUndefined();
      expect(await cache.get('acme', { question: 'What is the return policy?', generation: '3:1' })).toBeUndefined();
      expect(await cache.get('globex', { question: 'What is the refund policy?', generation: '3:1' })).toBeUndefined();
      await close();
    });

    it('serves the latest answer for a question', async () => {
      const { cache, close } = await open();
      await cache.set('acme', { question: 'Shipping times?', generation: '1:1' }, { summary: 'old' });
      await cache.set('acme', { question: 'Shipping times?', generation: '2:1' }, { summary: 'new' });
      expect(await cache.get('acme', { question: 'Shipping times?', generation: '2:1' })).toEqual({ summary: 'new' });
      await close();
    });
  });
}
