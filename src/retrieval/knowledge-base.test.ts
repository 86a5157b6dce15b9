import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.ts';
import { HashingEmbedder } from './hashing-embedder.ts';
import { ingestDirectory, readDirectory } from './ingest-directory.ts';
import type { Retriever, SearchMode } from './retriever.ts';
import { createSqliteRetriever } from './sqlite-retriever.ts';

const knowledgeBase = fileURLToPath(new URL('../../data/knowledge-base', import.meta.url));
const tenantId = 'default';

// The sample domain's numbers; the orders tools use the same ones, so the documents must state them exactly.
const requiredStatements: Record<string, string[]> = {
  'refund-policy': ['within 30 days of delivery', 'Refunds above $500.00 need approval by a support manager', '5–10 business days', 'amount paid minus any earlier refunds', 'original payment method', '7 calendar days for standard, 3 for express and 1 for overnight'],
  'shipping-policy': ['within 7 calendar days', 'within 3 calendar days', 'within 1 calendar day', '10% of the order total for each full day late', 'Capped at 50% of the order total', 'not combined with a full refund'],
  'order-cancellation': ['free before the order ships', 'you return it'],
  warranty: ['**12 months**', '**24 months**', 'manufacturing defects'],
  'escalation-policy': ['Tier 1 agents answer within 24 hours', 'still unresolved after 3 business days', 'any refund dispute above $500', 'go straight to tier 3'],
  'returns-and-exchanges': ['unused items within 30 days of delivery'],
};

describe('the sample knowledge base', () => {
  let keyword: Retriever;
  let hybrid: Retriever;

  beforeAll(async () => {
    keyword = createSqliteRetriever({ database: openDatabase(':memory:'), ownsDatabase: true });
    hybrid = createSqliteRetriever({ database: openDatabase(':memory:'), embeddings: new HashingEmbedder(), ownsDatabase: true });
    for (const retriever of [keyword, hybrid]) {
      expect(await ingestDirectory(retriever, knowledgeBase, { tenantId })).toMatchObject({ added: 12 });
    }
    return async () => {
      await keyword.close();
      await hybrid.close();
    };
  });

  const retrieverFor = (mode: SearchMode) => (mode === 'keyword' ? keyword : hybrid);

  it('holds twelve titled policy documents of 300 to 900 words each', async () => {
    const documents = await readDirectory(knowledgeBase);
    expect(documents).toHaveLength(12);
    for (const document of documents) {
      expect(document.source, document.id).toBe(`${document.id}.md`);
      expect(document.title, document.id).toBeTruthy();
      const words = document.text.split(/\s+/).filter(Boolean).length;
      expect(words, document.id).toBeGreaterThanOrEqual(300);
      expect(words, document.id).toBeLessThanOrEqual(900);
    }
  });

  it('states the sample domain numbers exactly', () => {
    for (const [id, statements] of Object.entries(requiredStatements)) {
      const text = readFileSync(`${knowledgeBase}/${id}.md`, 'utf8');
      for (const statement of statements) expect(text, id).toContain(statement);
    }
  });

  it.each(['keyword', 'hybrid'] as const)('answers the late-order refund question from the refund policy (%s)', async (mode) => {
    const hits = await retrieverFor(mode).search({ tenantId, mode, query: 'how many days do I have to request a refund for a late order' });
    expect(hits[0]).toMatchObject({ documentId: 'refund-policy', headings: ['Refund policy', 'Refunds for late deliveries'] });
    expect(hits[0]?.text).toContain('within 30 days of delivery');
    expect(hits[0]?.score).toBeGreaterThan(0.8);
  });

  it.each([
    ['how much store credit do I get when my delivery is late', 'shipping-policy'],
    ['can I cancel my order after it has shipped', 'order-cancellation'],
    ['how long is the warranty on electronics', 'warranty'],
    ['who approves a refund above $500', 'refund-policy'],
    ['how long does a refund take to reach my card', 'refund-policy'],
    ['what payment methods do you accept', 'payment-methods'],
    ['do gift cards expire', 'gift-cards'],
    ['do you ship to Canada and how long does it take', 'international-shipping'],
    ['the price dropped a week after I bought it', 'price-adjustments'],
    ['how do I download or delete my personal data', 'privacy-and-data-requests'],
    ['my blender arrived broken', 'damaged-items'],
    ['can I exchange a lamp for a different colour', 'returns-and-exchanges'],
    ['when is a case escalated to a manager', 'escalation-policy'],
  ])('puts the right document first by keyword for "%s"', async (query, documentId) => {
    const [hit] = await keyword.search({ tenantId, query, mode: 'keyword' });
    expect(hit?.documentId).toBe(documentId);
    expect(hit?.score).toBeGreaterThanOrEqual(0.4);
  });

  it.each(['keyword', 'hybrid'] as const)('scores questions the knowledge base does not cover low (%s)', async (mode) => {
    for (const query of ['what is the capital of France', 'pizza recipe with fresh tomatoes', 'what can you do?']) {
      const hits = await retrieverFor(mode).search({ tenantId, mode, query });
      expect(Math.max(0, ...hits.map((hit) => hit.score)), query).toBeLessThan(0.2);
    }
  });

  it('scores one common word well below a specific question', async () => {
    const [weak] = await keyword.search({ tenantId, query: 'order', mode: 'keyword' });
    const [partial] = await keyword.search({ tenantId, query: 'order a telescope for my observatory', mode: 'keyword' });
    const [strong] = await keyword.search({ tenantId, query: 'refund above $500 approval by a support manager', mode: 'keyword' });
    expect(weak?.score).toBeLessThan(0.3);
    expect(partial?.score).toBeLessThan(0.15);
    expect(strong?.score).toBeGreaterThan(0.9);
  });
});
