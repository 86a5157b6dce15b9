import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../define-tool.ts';
import { createApprovalPolicy, type ApprovalRule } from './approval-policy.ts';

const credit = defineTool({
  name: 'issue_credit', description: 'Give store credit', risk: 'write',
  input: z.strictObject({ amountCents: z.number().int() }),
  async execute() { return {}; },
});
const context = { tenantId: 'acme', threadId: 'thread-1', scopes: [], idempotencyKey: 'key-1' };

describe('createApprovalPolicy', () => {
  it('applies a rule appended after the policy was made from the next call on', () => {
    const rules: ApprovalRule[] = [];
    const policy = createApprovalPolicy({ rules });
    const call = { tool: credit, args: { amountCents: 25_000 }, context };
    expect(policy.evaluate(call)).toEqual({ required: false });
    rules.push({ name: 'credit-above-100', tool: 'issue_credit', amountField: 'amountCents', aboveCents: 10_000 });
    expect(policy.evaluate(call)).toEqual({ required: true, policy: 'credit-above-100', reason: 'amountCents 25000 is above the approval threshold of 10000 cents.' });
    expect(policy.evaluate({ ...call, args: { amountCents: 500 } })).toEqual({ required: false });
  });
});
