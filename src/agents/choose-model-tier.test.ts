import { describe, expect, it } from 'vitest';
import { chooseModelTier } from './choose-model-tier.ts';
import { selectModel, type ModelsByRole } from './models-by-role.ts';
import { ScriptedChatModel } from './scripted-chat-model.ts';

const plan = { step: 'plan', mayWrite: true, factsLooked: false, effectDone: false, afterFailure: false } as const;

describe('chooseModelTier', () => {
  it('keeps routing, answers and rule-backed reviews on the routine model', () => {
    expect(chooseModelTier({ step: 'route' }).tier).toBe('routine');
    expect(chooseModelTier({ step: 'answer', attempt: 1 }).tier).toBe('routine');
    expect(chooseModelTier({ step: 'review', attempt: 1, failedChecks: true }).tier).toBe('routine');
    expect(chooseModelTier({ step: 'review_action', attempt: 1 }).tier).toBe('routine');
  });

  it('sends the executor turn that may propose a write, once the facts are in, to the premium model', () => {
    expect(chooseModelTier(plan).tier).toBe('routine');
    expect(chooseModelTier({ ...plan, factsLooked: true })).toEqual({ tier: 'premium', reason: 'planning a write' });
    expect(chooseModelTier({ ...plan, factsLooked: true, mayWrite: false }).tier).toBe('routine');
    expect(chooseModelTier({ ...plan, factsLooked: true, effectDone: true }).tier).toBe('routine');
  });

  it('sends every retry after a failed validation or revision to the premium model', () => {
    expect(chooseModelTier({ ...plan, afterFailure: true }).tier).toBe('premium');
    expect(chooseModelTier({ step: 'revise_answer' }).tier).toBe('premium');
    expect(chooseModelTier({ step: 'answer', attempt: 2 }).tier).toBe('premium');
    expect(chooseModelTier({ step: 'review', attempt: 2, failedChecks: false }).tier).toBe('premium');
  });
});

describe('selectModel', () => {
  const routine = new ScriptedChatModel([]);
  const premium = new ScriptedChatModel([]);
  const models = { supervisor: routine, retriever: routine, executor: routine, reviewer: routine } satisfies ModelsByRole;

  it('gives a premium call the premium model of its role', () => {
    const selected = selectModel({ ...models, premium: { executor: premium } }, 'executor', { tier: 'premium', reason: 'planning a write' });
    expect(selected).toEqual({ model: premium, tier: 'premium', reason: 'planning a write' });
  });

  it('falls back to the routine model, and says so, for a role without a premium model', () => {
    const selected = selectModel({ ...models, premium: { executor: premium } }, 'reviewer', { tier: 'premium', reason: 'retry' });
    expect(selected.model).toBe(routine);
    expect(selected.tier).toBe('routine');
    expect(selected.reason).toMatch(/no premium model/);
  });
});
