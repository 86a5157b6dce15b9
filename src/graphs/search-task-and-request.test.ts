import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../../test/support/test-services.ts';
import { defaultMinScore } from './retriever.ts';
import { searchTaskAndRequest } from './search-task-and-request.ts';
import { stripInstructions } from './strip-instructions.ts';

describe('stripInstructions', () => {
  it('drops the words that instruct the retriever and order numbers, keeping what the question is about', () => {
    const stripped = stripInstructions('What does our policy say about refunds for late deliveries? Cite the passages.');
    expect(stripped).toMatch(/^What does policy about refunds for late deliveries\?/);
    expect(stripped).not.toMatch(/\b(our|say|cite|passages)\b/i);
    expect(stripInstructions('Refund order 1001, it came late')).toBe('Refund order, it came late');
  });

  it('keeps an instruction word the customer used', () => {
    const stripped = stripInstructions('Answer from the knowledge base: does the warranty apply to a cracked screen?', { keep: 'does the warranty apply to a cracked screen?' });
    expect(stripped).toMatch(/does the warranty apply to a cracked screen\?$/);
    expect(stripped).not.toMatch(/answer|knowledge/i);
  });
});

describe('searchTaskAndRequest over the sample knowledge base', () => {
  let harness: TestHarness;
  beforeAll(async () => {
    harness = await createTestHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });
  // As the retriever specialist does: 8 hits fetched, the first 4 kept.
  const search = async (task: string, request: string) => (await searchTaskAndRequest(harness.services.retriever, { tenantId: 'default', task, request, limit: 8 })).slice(0, 4);

  it('covers a policy lookup worded as an instruction, which scored 0.25 as it was written', async () => {
    const task = 'What does our policy say about refunds for late deliveries? Cite the passages.';
    const alone = await harness.services.retriever.search({ tenantId: 'default', query: task, limit: 4 });
    expect(alone[0]!.score).toBeLessThan(defaultMinScore);
    const hits = await search(task, 'Refund order 1001, it came late');
    expect(hits[0]!.score).toBeGreaterThanOrEqual(defaultMinScore);
    expect(hits.map((hit) => hit.documentId)).toContain('refund-policy');
  });

  it('keeps the request\'s best match among the few kept when the reworded task\'s ranking is noise', async () => {
    const request = 'How many days do I have to ask for a refund when my order arrived late?';
    const [best] = await harness.services.retriever.search({ tenantId: 'default', query: request, limit: 1 });
    const hits = await search(`The customer asks: "${request}" Answer from the help articles and cite them.`, request);
    expect(hits.map((hit) => hit.chunkId)).toContain(best!.chunkId);
  });

  it('still finds nothing relevant for a question the knowledge base does not cover, however it is worded', async () => {
    const hits = await search('Answer this customer question from the knowledge base, citing the passages: What is the capital of France?', 'What is the capital of France?');
    expect(hits.every((hit) => hit.score < defaultMinScore)).toBe(true);
  });
});
