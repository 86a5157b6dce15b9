import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { describe, expect, it } from 'vitest';
import { ScriptedChatModel } from '../agents/index.ts';
import { openDatabase } from '../storage/index.ts';
import type { ModelUsageRecord } from './model-usage.ts';
import { createPriceTable } from './price-table.ts';
import { createSqliteUsageStore } from './sqlite-usage-store.ts';
import { UsageCallbackHandler, agentRoleMetadataKey, type ModelCallObservation } from './usage-callback-handler.ts';

/** A chat model that reports usage as OpenAI's does through LangChain: cached and reasoning details, a dated model name. */
class ReportingChatModel extends BaseChatModel {
  _llmType() {
    return 'reporting';
  }

  async _generate(): Promise<ChatResult> {
    const message = new AIMessage({
      content: 'Refunded.',
      usage_metadata: {
        input_tokens: 1_200,
        output_tokens: 300,
        total_tokens: 1_500,
        input_token_details: { cache_read: 1_000 },
        output_token_details: { reasoning: 200 },
      },
      response_metadata: { model_name: 'gpt-4o-mini-2024-07-18' },
    });
    return { generations: [{ text: 'Refunded.', message }] };
  }
}

function recorder() {
  const database = openDatabase(':memory:');
  const store = createSqliteUsageStore(database);
  const records: ModelUsageRecord[] = [];
  const observed: ModelCallObservation[] = [];
  const handler = new UsageCallbackHandler({
    run: { tenantId: 'acme', runId: 'run-1', threadId: 'thread-1' },
    prices: createPriceTable(),
    store: { ...store, record: async (usage) => {
      records.push(usage);
      await store.record(usage);
    } },
    onCall: (observation) => observed.push(observation),
  });
  return { handler, store, records, observed, close: () => database.close() };
}

describe('usage callback handler', () => {
  it('records the provider\'s counts with cached and reasoning tokens, the answering model and the role, priced', async () => {
    const { handler, store, records, observed, close } = recorder();
    await new ReportingChatModel({}).invoke([new HumanMessage('Refund order 1001')], { callbacks: [handler], metadata: { [agentRoleMetadataKey]: 'executor' } });
    expect(records).toEqual([{
      tenantId: 'acme',
      runId: 'run-1',
      threadId: 'thread-1',
      role: 'executor',
      model: 'gpt-4o-mini-2024-07-18',
      at: expect.any(String),
      inputTokens: 1_200,
      outputTokens: 300,
      cachedTokens: 1_000,
      reasoningTokens: 200,
      // 200 × $0.15/M + 1,000 cached × $0.075/M + 300 × $0.60/M = $0.000285.
      costNanoUsd: 285_000,
      estimated: false,
    }]);
    // Stored before the call returned: the run's totals are complete when it ends.
    expect((await store.forRun('acme', 'run-1')).inputTokens).toBe(1_200);
    expect(observed).toMatchObject([{ role: 'executor', model: 'gpt-4o-mini-2024-07-18', outcome: 'ok' }]);
    close();
  });

  it('estimates the counts of a model that reports none from characters, and says so', async () => {
    const { handler, records, close } = recorder();
    const prompt: BaseMessage[] = [new SystemMessage('You route requests.'), new HumanMessage('Where is my order 1001?')];
    const reply = 'Handing this to the executor, who can look the order up.';
    await new ScriptedChatModel([{ content: reply }]).invoke(prompt, { callbacks: [handler], metadata: { [agentRoleMetadataKey]: 'supervisor' } });
    const characters = 'You route requests.'.length + 'Where is my order 1001?'.length;
    expect(records).toMatchObject([{ role: 'supervisor', inputTokens: Math.ceil(characters / 4), outputTokens: Math.ceil(reply.length / 4), estimated: true, costNanoUsd: 0 }]);
    close();
  });

  it('names the calling node when no role is set (graphs from LANGGRAPH_CONFIG), and counts a failed call without usage', async () => {
    const { handler, records, observed, close } = recorder();
    await new ScriptedChatModel([{ content: 'ok' }]).invoke('hello', { callbacks: [handler], metadata: { langgraph_node: 'agent' } });
    await expect(new ScriptedChatModel([], { whenExhausted: 'throw' }).invoke('hello', { callbacks: [handler], metadata: { [agentRoleMetadataKey]: 'reviewer' } })).rejects.toThrow();
    expect(records.map((record) => record.role)).toEqual(['agent']);
    expect(observed.map((call) => [call.role, call.outcome, call.usage === undefined])).toEqual([['agent', 'ok', false], ['reviewer', 'error', true]]);
    close();
  });
});
