import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from './define-tool.ts';
import { validateToolArguments } from './validate-tool-arguments.ts';

const refund = defineTool({
  name: 'refund',
  description: 'Refund an order',
  risk: 'irreversible',
  input: z.strictObject({
    orderId: z.number().int().positive(),
    amountCents: z.number().int().positive(),
    reason: z.string().min(3).max(20),
    lines: z.array(z.strictObject({ sku: z.string().max(10) })).optional(),
  }),
  async execute(args) {
    return args;
  },
});

describe('validateToolArguments', () => {
  it('returns the parsed value when every argument is valid', () => {
    const result = validateToolArguments(refund, { orderId: 1001, amountCents: 500, reason: 'late parcel' });
    expect(result).toEqual({ ok: true, value: { orderId: 1001, amountCents: 500, reason: 'late parcel' } });
  });

  it('reports one issue per invalid field, named by its path', () => {
    const result = validateToolArguments(refund, { orderId: 1001.5, amountCents: -3, reason: 'x'.repeat(21), lines: [{ sku: 7 }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.field)).toEqual(['orderId', 'amountCents', 'reason', 'lines[0].sku']);
    expect(result.issues.every((issue) => issue.message.length > 0)).toBe(true);
  });

  it('names each missing required field', () => {
    const result = validateToolArguments(refund, { orderId: 1001 });
    expect(result.ok ? [] : result.issues.map((issue) => issue.field)).toEqual(['amountCents', 'reason']);
  });

  it('rejects unknown keys, each as its own field issue', () => {
    const result = validateToolArguments(refund, { orderId: 1001, amountCents: 500, reason: 'late parcel', approved: true, note: 'x' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      { field: 'approved', message: expect.stringContaining('Unknown field') },
      { field: 'note', message: expect.stringContaining('Unknown field') },
    ]);
  });

  it('rejects unknown keys inside nested objects with their full path', () => {
    const result = validateToolArguments(refund, { orderId: 1001, amountCents: 500, reason: 'late parcel', lines: [{ sku: 'A', price: 1 }] });
    expect(result.ok ? [] : result.issues.map((issue) => issue.field)).toEqual(['lines[0].price']);
  });

  it('accepts arguments given as JSON text', () => {
    const result = validateToolArguments(refund, '{"orderId":1001,"amountCents":500,"reason":"late parcel"}');
    expect(result.ok).toBe(true);
  });

  it('reports malformed JSON text and non-object arguments at the root', () => {
    const malformed = validateToolArguments(refund, '{"orderId":');
    const notAnObject = validateToolArguments(refund, [1, 2]);
    expect(malformed.ok ? [] : malformed.issues.map((issue) => issue.field)).toEqual(['(root)']);
    expect(notAnObject.ok ? [] : notAnObject.issues.map((issue) => issue.field)).toEqual(['(root)']);
  });
});
