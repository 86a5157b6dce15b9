import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from './define-tool.ts';

const input = z.strictObject({ orderId: z.number().int().positive() });

describe('defineTool', () => {
  it('fills the defaults: no scopes, idempotent only for reads, a 10 second timeout, one attempt, no upstream', () => {
    const read = defineTool({ name: 'read_it', description: 'Read', risk: 'read', input, async execute() { return 1; } });
    const write = defineTool({ name: 'write_it', description: 'Write', risk: 'write', input, async execute() { return 1; } });
    expect([read.scopes, read.idempotent, read.timeoutMs, read.retry.attempts, read.upstream]).toEqual([[], true, 10_000, 1, undefined]);
    expect([write.scopes, write.idempotent, write.timeoutMs, write.retry.attempts]).toEqual([[], false, 10_000, 1]);
  });

  it('accepts retries for reads and idempotent writes and refuses them for other writes', () => {
    const base = { description: 'x', input, async execute() { return 1; } };
    const retry = { attempts: 3, initialDelayMs: 10, maxDelayMs: 50 };
    expect(defineTool({ ...base, name: 'r', risk: 'read', retry, upstream: 'crm' })).toMatchObject({ retry, upstream: 'crm' });
    expect(defineTool({ ...base, name: 'w', risk: 'write', idempotent: true, retry: { attempts: 2 } }).retry).toMatchObject({ attempts: 2 });
    expect(() => defineTool({ ...base, name: 'w', risk: 'write', retry })).toThrow(/may not retry/);
    expect(() => defineTool({ ...base, name: 'w', risk: 'irreversible', retry: { attempts: 2 } })).toThrow(/may not retry/);
    expect(() => defineTool({ ...base, name: 'r', risk: 'read', retry: { attempts: 0 } })).toThrow(/attempts/);
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
