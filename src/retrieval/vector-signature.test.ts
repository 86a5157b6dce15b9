import { describe, expect, it } from 'vitest';
import { HashingEmbedder } from './hashing-embedder.ts';
import { createVectorSigner, nearestSignatures } from './vector-signature.ts';

describe('vector signatures', () => {
  it('puts vectors sharing words nearer by Hamming distance than unrelated ones', async () => {
    const embedder = new HashingEmbedder();
    const signer = createVectorSigner(256);
    const vectors = await embedder.embedDocuments([
      'Descale the kettle every month with citric acid.',
      'Return shipping is free for damaged parcels.',
      'Our warranty covers the lamp for two years.',
    ]);
    const signatures = new Uint32Array(vectors.flatMap((vector) => [...signer.sign(vector)]));
    const query = signer.sign(await embedder.embedQuery('how often should I descale the kettle with citric acid'));
    expect(nearestSignatures(signatures, query, 1)).toEqual([0]);
    expect(nearestSignatures(signatures, query, 2)).toHaveLength(2);
  });

  it('makes at least 1,024 bits and the same signature in every run', () => {
    const signer = createVectorSigner(48);
    expect(signer.words * 32).toBeGreaterThanOrEqual(1024);
    const vector = Array.from({ length: 48 }, (_, index) => Math.sin(index));
    expect([...createVectorSigner(48).sign(vector)]).toEqual([...signer.sign(vector)]);
    expect([...signer.sign(vector.map((value) => -value))]).toEqual([...signer.sign(vector)].map((word) => ~word >>> 0));
  });

  it('returns exactly the requested count even when distances tie', () => {
    const signatures = new Uint32Array(10 * 32);
    expect(nearestSignatures(signatures, new Uint32Array(32), 4)).toEqual([0, 1, 2, 3]);
  });
});
