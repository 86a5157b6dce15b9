import { HumanMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { ScriptedChatModel } from '../agents/index.ts';
import { loadConfig } from '../config.ts';
import { createPriceTable, createSqliteUsageStore, UsageCallbackHandler } from '../observability/index.ts';
import { openDatabase } from '../storage/index.ts';
import { BudgetCallbackHandler, budgetExemptMetadataKey } from './budget-callback-handler.ts';
import { createBudgetPolicy } from './budget-policy.ts';

// A model called with the run's callbacks, as a graph from LANGGRAPH_CONFIG calls it: the handler alone guards it.
describe('BudgetCallbackHandler', () => {
  it('refuses the call that would pass the run budget before the model is asked, and every call after it, but not an exempt one', async () => {
    const database = openDatabase(':memory:');
    const usage = createSqliteUsageStore(database);
    const prices = createPriceTable();
    const policy = createBudgetPolicy({ config: loadConfig({ BUDGET_RUN_TOKENS: '300' }).budgets, usage });
    const run = { tenantId: 'acme', runId: 'run-1' };
    const callbacks = [new UsageCallbackHandler({ run, prices, store: usage }), new BudgetCallbackHandler({ policy, usage, prices, run })];
    const model = new ScriptedChatModel([{ content: 'x'.repeat(1_200) }, { content: 'never' }, { content: 'reviewed' }]);

    // 40 characters asked (10 tokens), 1,200 back (300 tokens): the run has spent its budget.
    await model.invoke([new HumanMessage('a'.repeat(40))], { callbacks });
    await expect(model.invoke([new HumanMessage('b')], { callbacks })).rejects.toMatchObject({ code: 'BUDGET_EXHAUSTED', message: expect.stringMatching(/^budget exhausted: the run's token budget of 300 tokens \(310 tokens used/) });
    await expect(model.invoke([new HumanMessage('c')], { callbacks })).rejects.toMatchObject({ code: 'BUDGET_EXHAUSTED' });
    expect(model.calls).toHaveLength(1);
    // An action under way is never stopped.
    const exempt = await model.invoke([new HumanMessage('review')], { callbacks, metadata: { [budgetExemptMetadataKey]: true } });
    expect(exempt.content).toBe('never');
    expect(model.calls).toHaveLength(2);
    database.close();
  });
});
