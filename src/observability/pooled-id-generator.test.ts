import { describe, expect, it } from 'vitest';
import { createPooledIdGenerator } from './pooled-id-generator.ts';

describe('pooled id generator', () => {
  it('gives W3C trace and span ids (lowercase hex of 32 and 16 characters), none repeated across pool refills', () => {
    // A small pool, so the ids below cross many refills.
    const ids = createPooledIdGenerator(64);
    const traceIds = Array.from({ length: 2_000 }, () => ids.generateTraceId());
    const spanIds = Array.from({ length: 2_000 }, () => ids.generateSpanId());
    for (const id of traceIds) expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (const id of spanIds) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(traceIds).size).toBe(traceIds.length);
    expect(new Set(spanIds).size).toBe(spanIds.length);
  });
});
