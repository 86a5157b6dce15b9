import { describe, expect, it } from 'vitest';
import { canonicalJson, hashArguments } from './canonical-json.ts';
import { deriveIdempotencyKey } from './idempotency-key.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth so key order never changes the text or the hash', () => {
    const written = { reason: 'late', orderId: 1001, nested: { b: 1, a: [{ y: 2, x: 1 }] } };
    const reordered = { nested: { a: [{ x: 1, y: 2 }], b: 1 }, orderId: 1001, reason: 'late' };
    expect(canonicalJson(written)).toBe('{"nested":{"a":[{"x":1,"y":2}],"b":1},"orderId":1001,"reason":"late"}');
    expect(hashArguments(written)).toBe(hashArguments(reordered));
  });

  it('gives different hashes for different values', () => {
    expect(hashArguments({ amountCents: 100 })).not.toBe(hashArguments({ amountCents: 101 }));
  });
});

describe('deriveIdempotencyKey', () => {
  it('is stable for the same call and differs when any part differs', () => {
    const parts = { tenantId: 'acme', threadId: 'thread-1', toolCallId: 'call-1' };
    expect(deriveIdempotencyKey(parts)).toBe(deriveIdempotencyKey({ ...parts }));
    expect(deriveIdempotencyKey(parts)).toMatch(/^[0-9a-f]{64}$/);
    expect(deriveIdempotencyKey({ ...parts, tenantId: 'other' })).not.toBe(deriveIdempotencyKey(parts));
    expect(deriveIdempotencyKey({ ...parts, toolCallId: 'call-2' })).not.toBe(deriveIdempotencyKey(parts));
    expect(deriveIdempotencyKey({ tenantId: 'a|b', threadId: 'c', toolCallId: 'd' })).not.toBe(deriveIdempotencyKey({ tenantId: 'a', threadId: 'b|c', toolCallId: 'd' }));
  });
});
