import type { BindToolsInput } from '@langchain/core/language_models/chat_models';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from './define-tool.ts';
import { createToolRegistry } from './tool-registry.ts';

const lookup = defineTool({
  name: 'lookup', description: 'Look something up', risk: 'read', scopes: ['things:read'],
  input: z.strictObject({ id: z.number().int().positive().describe('Thing id'), verbose: z.boolean().default(false) }),
  async execute({ id }) { return { id }; },
});
const remove = defineTool({
  name: 'remove', description: 'Remove something', risk: 'irreversible', scopes: ['things:read', 'things:delete'],
  input: z.strictObject({ id: z.number().int().positive() }),
  async execute({ id }) { return { removed: id }; },
});

describe('createToolRegistry', () => {
  it('finds tools by name and returns undefined for unknown names', () => {
    const registry = createToolRegistry([lookup, remove]);
    expect(registry.get('remove')).toBe(remove);
    expect(registry.get('missing')).toBeUndefined();
  });

  it('throws on duplicate tool names', () => {
    expect(() => createToolRegistry([lookup, { ...remove, name: 'lookup' }])).toThrow(/Duplicate tool name "lookup"/);
  });

  it('adds tools after construction, and they are listed and described like the first ones', () => {
    const registry = createToolRegistry([lookup]);
    registry.add([remove]);
    expect(registry.get('remove')).toBe(remove);
    expect(registry.toModelTools().map((tool) => tool.function.name)).toEqual(['lookup', 'remove']);
  });

  it('refuses to add a name already registered or repeated, and then adds none of the batch', () => {
    const registry = createToolRegistry([lookup]);
    const other = { ...remove, name: 'other' };
    expect(() => registry.add([other, { ...remove, name: 'lookup' }])).toThrow(/Duplicate tool name "lookup"/);
    expect(() => registry.add([other, other])).toThrow(/Duplicate tool name "other"/);
    expect(registry.list().map((tool) => tool.name)).toEqual(['lookup']);
    expect(registry.get('lookup')).toBe(lookup);
  });

  it('lists only the tools whose every scope the caller holds', () => {
    const registry = createToolRegistry([lookup, remove]);
    expect(registry.list().map((tool) => tool.name)).toEqual(['lookup', 'remove']);
    expect(registry.list({ scopes: ['things:read'] }).map((tool) => tool.name)).toEqual(['lookup']);
    expect(registry.list({ scopes: ['things:delete'] })).toEqual([]);
    expect(registry.list({ scopes: ['things:read', 'things:delete'] }).map((tool) => tool.name)).toEqual(['lookup', 'remove']);
  });

  it('describes tools as OpenAI function tools with a strict JSON schema of the input', () => {
    const [described] = createToolRegistry([lookup]).toModelTools();
    expect(described).toEqual({
      type: 'function',
      function: {
        name: 'lookup',
        description: 'Look something up',
        parameters: {
          type: 'object',
          properties: {
            id: { type: 'integer', exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Thing id' },
            verbose: { type: 'boolean', default: false },
          },
          required: ['id'],
          additionalProperties: false,
        },
      },
    });
  });

  it('produces tools LangChain passes through unchanged to bindTools', () => {
    const modelTools: BindToolsInput[] = createToolRegistry([lookup, remove]).toModelTools({ scopes: ['things:read'] });
    expect(modelTools).toHaveLength(1);
    expect(convertToOpenAITool(modelTools[0]!)).toEqual(modelTools[0]);
  });

  it('refuses an input schema that is not an object', () => {
    const bare = defineTool({ name: 'bare', description: 'x', risk: 'read', input: z.string().max(10), async execute() { return 1; } });
    expect(() => createToolRegistry([bare])).toThrow(/object input schema/);
  });

  it('fails at startup for an input schema JSON Schema cannot express', () => {
    const dated = defineTool({ name: 'dated', description: 'x', risk: 'read', input: z.strictObject({ when: z.date() }), async execute() { return 1; } });
    expect(() => createToolRegistry([dated])).toThrow();
  });
});
