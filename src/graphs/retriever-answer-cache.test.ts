import { describe, expect, it } from 'vitest';
import { ScriptedChatModel, type ModelsByRole } from '../agents/index.ts';
import { createSqliteAnswerCache, createSqliteRetriever } from '../retrieval/index.ts';
import { openDatabase } from '../storage/index.ts';
import { createRetrieverGraph } from './retriever.ts';

const policy = {
  id: 'damage-policy',
  source: 'policies/damage.md',
  title: 'Damaged items',
  text: '# Damaged items\n\n## Reporting damage\n\nReport damage within 48 hours of delivery and we refund the item in full.',
};
const task = { task: 'Within how many hours of delivery must I report damage?', request: 'Within how many hours of delivery must I report damage?', acceptanceCriteria: [], context: '' };

async function setUp(answers: string[]) {
  const database = openDatabase(':memory:');
  const retriever = createSqliteRetriever({ database });
  await retriever.upsertDocuments('acme', [policy]);
  const answerer = new ScriptedChatModel(answers.map((content) => ({ content })));
  const unused = new ScriptedChatModel([]);
  const models: ModelsByRole = { supervisor: unused, retriever: answerer, executor: unused, reviewer: unused };
  const graph = createRetrieverGraph({ models, retriever, answerCache: createSqliteAnswerCache(database, { ttlMs: 60_000 }) });
  const ask = async () => (await graph.invoke(task, { configurable: { tenant_id: 'acme' } })).report!;
  return { ask, answerer, retriever };
}

describe('the retriever with an answer cache', () => {
  it('answers the second time from the cache, without a model call, marked cached', async () => {
    const { ask, answerer } = await setUp(['Report damage within 48 hours of delivery [damage-policy#0].']);
    const first = await ask();
    expect(first.outcome).toBe('answered');
    expect(first.cached).toBeUndefined();
    const second = await ask();
    expect(answerer.calls).toHaveLength(1);
    expect(second).toMatchObject({ outcome: 'answered', cached: true, summary: first.summary });
  });

  it('never caches an answer with an unsupported number', async () => {
    const { ask, answerer } = await setUp(['Report damage within 72 hours of delivery [damage-policy#0].', 'Report damage within 48 hours of delivery [damage-policy#0].']);
    await ask();
    const second = await ask();
    expect(answerer.calls).toHaveLength(2);
    expect(second.cached).toBeUndefined();
  });

  it('never caches an answer that cites nothing, nor a not-covered one', async () => {
    const { ask, answerer } = await setUp(['Damage should be reported soon.', 'The knowledge base does not cover this.', 'Report damage within 48 hours of delivery [damage-policy#0].']);
    await ask();
    await ask();
    expect((await ask()).cached).toBeUndefined();
    expect(answerer.calls).toHaveLength(3);
  });

  it('misses once the tenant\'s documents changed', async () => {
    const { ask, answerer, retriever } = await setUp(['Report damage within 48 hours of delivery [damage-policy#0].', 'Report damage within 48 hours of delivery [damage-policy#0].']);
    await ask();
    await retriever.upsertDocuments('acme', [{ ...policy, text: `${policy.text}\n\nKeep the packaging.` }]);
    expect((await ask()).cached).toBeUndefined();
    expect(answerer.calls).toHaveLength(2);
  });
});
