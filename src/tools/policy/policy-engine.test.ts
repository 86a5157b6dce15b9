import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../define-tool.ts';
import { composeGuards } from '../guards/compose-guards.ts';
import type { ToolGuard, ToolGuardInput } from '../run-tool-call.ts';
import { createPolicyEngine } from './create-policy-engine.ts';
import { createPolicyRuleGuard, type ActionReview } from './create-policy-rule-guard.ts';
import { definePolicyRule } from './define-policy-rule.ts';

// A toy domain, so the engine is shown to know none: a library that lends books.
interface LoanFacts { onShelf: number; member: boolean }
const section = { document: 'lending-rules', title: 'Lending rules', section: 'Loans', quote: 'Members may borrow up to the copies on the shelf.' };
const membersOnly = definePolicyRule<LoanFacts>({
  name: 'members-only', tools: ['lend_book'], description: 'Only members borrow',
  check: ({ facts }) => (facts.member ? { decision: 'allow' } : { decision: 'refuse', reason: 'Only members may borrow.', section }),
});
const copiesLimit = definePolicyRule<LoanFacts>({
  name: 'copies-limit', tools: ['lend_book'], description: 'No more than on the shelf',
  check: ({ args, facts }) => (Number(args.copies) <= facts.onShelf
    ? { decision: 'allow', detail: 'enough copies' }
    : { decision: 'refuse', reason: `At most ${facts.onShelf} copies.`, details: { maxCopies: facts.onShelf } }),
  confirm: ({ facts }) => ({ confirmed: facts.onShelf >= 0, detail: `${facts.onShelf} left` }),
});
const rareBooks = definePolicyRule<LoanFacts>({
  name: 'rare-books', tools: ['lend_book'], description: 'Rare books need the librarian',
  check: ({ args }) => (args.rare === true ? { decision: 'hold', reason: 'A librarian lends rare books.' } : { decision: 'allow' }),
});

const lendBook = defineTool({
  name: 'lend_book', description: 'Lend a book', risk: 'write',
  input: z.strictObject({ copies: z.number(), rare: z.boolean().optional() }),
  async execute() { return { ok: true }; },
});
const findBook = defineTool({ name: 'find_book', description: 'Find a book', risk: 'read', input: z.strictObject({}), async execute() { return {}; } });

function engineWith(facts: LoanFacts | Error) {
  let loads = 0;
  const engine = createPolicyEngine<LoanFacts>({
    rules: [membersOnly, copiesLimit, rareBooks],
    loadFacts: () => {
      loads += 1;
      if (facts instanceof Error) throw facts;
      return facts;
    },
  });
  return { engine, loads: () => loads };
}

const context = { tenantId: 't', idempotencyKey: 'k' };
const guardInput = (args: Record<string, unknown>, tool: ToolDefinition = lendBook): ToolGuardInput => ({
  call: { id: 'c', name: tool.name, args }, tool, args, argsHash: 'h', context: { ...context, scopes: [] },
});

describe('policy engine', () => {
  it('allows when every rule allows, loading the facts once', async () => {
    const { engine, loads } = engineWith({ onShelf: 3, member: true });
    const evaluation = await engine.evaluate({ tool: 'lend_book', args: { copies: 2 }, context });
    expect(evaluation.decision).toBe('allow');
    expect(evaluation.outcomes.map((outcome) => outcome.rule)).toEqual(['members-only', 'copies-limit', 'rare-books']);
    expect(loads()).toBe(1);
  });

  it('refuses with every refusing reason, the policy quoted, and what would be allowed', async () => {
    const { engine } = engineWith({ onShelf: 1, member: false });
    const evaluation = await engine.evaluate({ tool: 'lend_book', args: { copies: 2, rare: true }, context });
    expect(evaluation.decision).toBe('refuse');
    expect(evaluation.message).toBe('Only members may borrow. (Lending rules, "Loans": "Members may borrow up to the copies on the shelf.") At most 1 copies.');
    expect(evaluation.details).toEqual({ maxCopies: 1 });
  });

  it('holds when no rule refuses and one holds, naming the holding rule', async () => {
    const { engine } = engineWith({ onShelf: 3, member: true });
    expect(await engine.evaluate({ tool: 'lend_book', args: { copies: 1, rare: true }, context })).toMatchObject({ decision: 'hold', holdingRule: 'rare-books', message: 'A librarian lends rare books.' });
  });

  it('fails closed when the facts cannot be loaded or a rule throws', async () => {
    expect((await engineWith(new Error('database down')).engine.evaluate({ tool: 'lend_book', args: { copies: 1 }, context })).decision).toBe('refuse');
    const throwing = definePolicyRule<LoanFacts>({ name: 'broken', tools: ['lend_book'], description: 'x', check: () => { throw new Error('bug'); } });
    const engine = createPolicyEngine<LoanFacts>({ rules: [throwing], loadFacts: () => ({ onShelf: 1, member: true }) });
    expect(await engine.evaluate({ tool: 'lend_book', args: {}, context })).toMatchObject({ decision: 'refuse', outcomes: [{ rule: 'broken', decision: 'refuse' }] });
  });

  it('does not load facts for a tool no rule judges, and confirms effects with the rules that can', async () => {
    const { engine, loads } = engineWith({ onShelf: 2, member: true });
    expect(await engine.evaluate({ tool: 'other_tool', args: {}, context })).toEqual({ decision: 'allow', outcomes: [] });
    expect(loads()).toBe(0);
    expect(await engine.confirm({ tool: 'lend_book', args: { copies: 1 }, result: {}, context })).toEqual({ confirmed: true, checks: [{ rule: 'copies-limit', confirmed: true, detail: '2 left' }] });
    expect(await engine.confirm({ tool: 'other_tool', args: {}, result: {}, context })).toBeUndefined();
  });

  it('rejects a rule without a proper name or without tools', () => {
    expect(() => definePolicyRule({ name: 'Bad Name', tools: ['x'], description: '', check: () => ({ decision: 'allow' }) })).toThrow(TypeError);
    expect(() => definePolicyRule({ name: 'no-tools', tools: [], description: '', check: () => ({ decision: 'allow' }) })).toThrow(TypeError);
  });
});

describe('policy rule guard', () => {
  it('refuses with the details and records the review', async () => {
    const reviews: ActionReview[] = [];
    const guard = createPolicyRuleGuard({ engine: engineWith({ onShelf: 1, member: true }).engine, onReview: (review) => reviews.push(review) });
    expect(await guard(guardInput({ copies: 5 }))).toEqual({ action: 'refuse', message: 'At most 1 copies.', details: { maxCopies: 1 } });
    expect(reviews).toMatchObject([{ verdict: 'refuse', facts: { onShelf: 1 } }]);
  });

  it('passes a hold and the review on to the later guards, such as approval', async () => {
    const seen: ToolGuardInput[] = [];
    const approval: ToolGuard = async (input) => { seen.push(input); return { action: 'allow' }; };
    const guard = composeGuards(createPolicyRuleGuard({ engine: engineWith({ onShelf: 3, member: true }).engine }), approval);
    await guard(guardInput({ copies: 1, rare: true }));
    expect(seen[0]!.findings).toEqual({
      hold: { policy: 'rare-books', reason: 'A librarian lends rare books.' },
      review: { verdict: 'hold', reasons: ['A librarian lends rare books.'], facts: { onShelf: 3, member: true } },
    });
  });

  it('asks the reviewer only after the rules let the call through, and refuses on "revise"', async () => {
    let asked = 0;
    const reviewer = async () => { asked += 1; return { verdict: 'revise' as const, reasons: ['the task asked for one copy'] }; };
    const allowed = createPolicyRuleGuard({ engine: engineWith({ onShelf: 3, member: true }).engine, reviewer });
    expect(await allowed(guardInput({ copies: 2 }))).toEqual({ action: 'refuse', message: 'The reviewer did not accept this action: the task asked for one copy' });
    const refused = createPolicyRuleGuard({ engine: engineWith({ onShelf: 3, member: false }).engine, reviewer });
    expect((await refused(guardInput({ copies: 2 }))).action).toBe('refuse');
    expect(asked).toBe(1);
  });

  it('lets reads through without judging them', async () => {
    const { engine, loads } = engineWith({ onShelf: 0, member: false });
    expect(await createPolicyRuleGuard({ engine })(guardInput({}, findBook))).toEqual({ action: 'allow' });
    expect(loads()).toBe(0);
  });
});
