import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createToolRegistry, defineTool } from '../tools/index.ts';
import { toolsForStep } from './tools-for-step.ts';

const registry = createToolRegistry([
  defineTool({ name: 'lookup_thing', description: 'Look a thing up. Returns its record.', risk: 'read', input: z.strictObject({ id: z.number() }), execute: async () => ({}) }),
  defineTool({ name: 'change_thing', description: 'Change a thing. Needs a reason from the list: a, b or c, each with its own rule.', risk: 'write', input: z.strictObject({ id: z.number(), reason: z.enum(['a', 'b', 'c']) }), execute: async () => ({}) }),
]);

describe('toolsForStep', () => {
  it('gives every tool in full on the turn that may propose a write', () => {
    expect(toolsForStep(registry.toModelTools(), registry, { planningWrite: true })).toEqual(registry.toModelTools());
  });

  it('gives reads in full and writes by name and first sentence on the other turns', () => {
    const [read, write] = toolsForStep(registry.toModelTools(), registry, { planningWrite: false });
    expect(read).toEqual(registry.toModelTools()[0]);
    expect(write).toEqual({ type: 'function', function: { name: 'change_thing', description: 'Change a thing.', parameters: { type: 'object', properties: {} } } });
  });
});
