import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from './define-tool.ts';

const input = z.strictObject({ orderId: z.number().int().positive() });

describe('defineTool', () => {
  it('fills the defaults: no scopes, idempotent only for reads, a 10 second timeout', () => {
    const read = defineTool({ name: 'read_it', description: 'Read', risk: 'read', input, async execute() { return 1; } });
    const write = defineTool({ name: 'write_it', description: 'Write', risk: 'write', input, async execute() { return 1; } });
    expect([read.scopes, read.idempotent, read.timeoutMs]).toEqual([[], true, 10_000]);
    expect([write.scopes, write.idempotent, write.timeoutMs]).toEqual([[], false, 10_000]);
  });

  it('keeps explicit scopes, idempotency and timeout', () => {
    const tool = defineTool({
      name: 'put_it', description: 'Put', risk: 'write', input, scopes: ['things:write'], idempotent: true, timeoutMs: 250,
      async execute() { return 1; },
    });
    expect([tool.scopes, tool.idempotent, tool.timeoutMs]).toEqual([['things:write'], true, 250]);
  });

  it('types execute arguments from the input schema', () => {
    const tool = defineTool({
      name: 'typed', description: 'Typed', risk: 'read', input,
      async execute(args) {
        expectTypeOf(args).toEqualTypeOf<{ orderId: number }>();
        return { doubled: args.orderId * 2 };
      },
    });
    expectTypeOf(tool.execute).returns.resolves.toEqualTypeOf<{ doubled: number }>();
  });

  it('refuses names a model provider would reject and non-positive timeouts', () => {
    const base = { description: 'x', risk: 'read' as const, input, async execute() { return 1; } };
    expect(() => defineTool({ ...base, name: 'has space' })).toThrow(/name/);
    expect(() => defineTool({ ...base, name: 'ok_name', timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});
