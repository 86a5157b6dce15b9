import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeQdrant } from './fake-qdrant-server.ts';
import { HashingEmbedder } from './hashing-embedder.ts';
import { createQdrantRetriever } from './qdrant-retriever.ts';
import { describeRetrieverConformance } from './retriever-conformance.ts';

// The conformance suite against an in-memory stand-in of the Qdrant REST API: it proves the
// retriever's logic (diffing, filters, scores) and what it sends. `qdrant-retriever.int.test.ts`
// runs the same suite against a real server when QDRANT_URL is set.
let fake: Awaited<ReturnType<typeof startFakeQdrant>>;
beforeAll(async () => {
  fake = await startFakeQdrant();
  return () => fake.close();
});

describeRetrieverConformance('Qdrant (REST stand-in) keyword', async () => createQdrantRetriever({ url: fake.url, collection: `keyword-${randomUUID()}` }));

describeRetrieverConformance('Qdrant (REST stand-in) hybrid with the hashing embedder', async () =>
  createQdrantRetriever({ url: fake.url, collection: `hybrid-${randomUUID()}`, embeddings: new HashingEmbedder({ dimensions: 64 }) }),
);

const manual = { id: 'manual', source: 'manual.md', title: 'Manual', text: '# Manual\n\n## Setup\n\nPlug the toaster in.\n\n## Crumbs\n\nEmpty the crumb tray weekly.' };

describe('Qdrant retriever requests', () => {
  let server: Awaited<ReturnType<typeof startFakeQdrant>>;
  let alias: string;

  beforeEach(async () => {
    server = await startFakeQdrant();
    alias = `chunks-${randomUUID()}`;
  });
  afterEach(() => server.close());

  const sent = (path: RegExp) => server.requests.filter((request) => path.test(request.path));

  it('creates a collection with a dense vector, an IDF sparse vector and payload indexes behind an alias', async () => {
    const retriever = createQdrantRetriever({ url: server.url, collection: alias, embeddings: new HashingEmbedder({ dimensions: 32 }) });
    await retriever.upsertDocuments('t', [manual]);
    await retriever.search({ tenantId: 't', query: 'toaster' });
    const [create] = server.requests.filter((request) => request.method === 'PUT' && /^\/collections\/[^/]+$/.test(request.path));
    expect(create?.path).toMatch(new RegExp(`^/collections/${alias}-[a-z0-9]+$`));
    expect(create?.body).toEqual({ vectors: { dense: { size: 32, distance: 'Cosine' } }, sparse_vectors: { bm25: { modifier: 'idf' } } });
    expect(sent(/\/index/).map((request) => request.body)).toEqual([
      { field_name: 'tenant_id', field_schema: { type: 'keyword', is_tenant: true } },
      { field_name: 'kind', field_schema: 'keyword' },
      { field_name: 'document_id', field_schema: 'keyword' },
      { field_name: 'source', field_schema: 'keyword' },
      { field_name: 'terms', field_schema: 'integer' },
    ]);
    expect(server.aliases.get(alias)).toBe(create?.path.split('/')[2]);
    // Checked once per retriever, by name, never by listing collections.
    expect(sent(/\/exists$/)).toHaveLength(1);
    expect(server.requests.some((request) => request.method === 'GET' && request.path.startsWith('/collections?'))).toBe(false);
    expect(server.requests.some((request) => request.method === 'GET' && request.path === '/collections')).toBe(false);
  });

  it('searches hybrid in one Query API request: BM25 and dense prefetches fused by RRF, filtered to the tenant and the shared corpus', async () => {
    const retriever = createQdrantRetriever({ url: server.url, collection: alias, embeddings: new HashingEmbedder({ dimensions: 32 }) });
    await retriever.upsertDocuments('t', [manual]);
    const hits = await retriever.search({ tenantId: 't', query: 'crumb tray', limit: 2, filter: { sources: ['manual.md'] } });
    expect(hits[0]).toMatchObject({ documentId: 'manual', headings: ['Manual', 'Crumbs'] });
    const [query] = sent(/\/points\/query$/);
    const body = query?.body as { prefetch: Array<{ using: string; filter: unknown; limit: number }>; query: unknown; filter: unknown; limit: number };
    const filter = {
      must: [
        { key: 'tenant_id', match: { any: ['t', '__shared__'] } },
        { key: 'kind', match: { value: 'chunk' } },
        { key: 'source', match: { any: ['manual.md'] } },
      ],
    };
    expect(body.query).toEqual({ rrf: { k: 60 } });
    expect(body.prefetch.map((prefetch) => prefetch.using)).toEqual(['bm25', 'dense']);
    for (const prefetch of body.prefetch) expect(prefetch).toMatchObject({ filter, limit: 40 });
    expect(body.filter).toEqual(filter);
    expect(sent(/\/points\/query$/)).toHaveLength(1);
  });

  it('writes sparse BM25 vectors and splits upserts to stay under the request size limit', async () => {
    const retriever = createQdrantRetriever({ url: server.url, collection: alias, batchLimits: { maxBytes: 4096, maxItems: 100 } });
    const long = {
      id: 'long',
      source: 'long.md',
      text: Array.from({ length: 12 }, (_, index) => `## Part ${index}\n\n${'Descale the kettle with vinegar every month. '.repeat(8)}`).join('\n\n'),
    };
    const report = await retriever.upsertDocuments('t', [long]);
    const upserts = server.requests.filter((request) => request.method === 'PUT' && /\/points\?/.test(request.path));
    const chunkPoints = upserts.flatMap((request) => (request.body as { points: Array<{ vector: Record<string, unknown>; payload: { kind: string } }> }).points).filter((point) => point.payload.kind === 'chunk');
    expect(chunkPoints).toHaveLength(report.chunks.written);
    expect(upserts.length).toBeGreaterThan(2);
    for (const request of upserts) expect(Buffer.byteLength(JSON.stringify(request.body))).toBeLessThan(4096 + 200);
    const sparse = chunkPoints[0]?.vector.bm25 as { indices: number[]; values: number[] };
    expect(sparse.indices).toEqual([...sparse.indices].sort((left, right) => left - right));
    expect(sparse.values.every((value) => value > 0 && value < 2.2)).toBe(true);
  });

  it('rebuilds into a new collection and swaps the alias, keeping every point searchable', async () => {
    const plain = createQdrantRetriever({ url: server.url, collection: alias });
    await plain.upsertDocuments('t', [manual]);
    const before = server.aliases.get(alias);
    const retriever = createQdrantRetriever({ url: server.url, collection: alias, embeddings: new HashingEmbedder({ dimensions: 16 }) });
    // A collection without a dense vector refuses an embedding model until it is reindexed.
    await expect(retriever.search({ tenantId: 't', query: 'toaster' })).rejects.toMatchObject({ code: 'CONFLICT' });
    const report = await retriever.reindex();
    expect(report).toMatchObject({ previous: before, documents: 1, chunks: 2 });
    expect(server.aliases.get(alias)).toBe(report.collection);
    expect(server.collections.has(before ?? '')).toBe(false);
    const [hit] = await retriever.search({ tenantId: 't', query: 'crumb tray', mode: 'dense' });
    expect(hit).toMatchObject({ documentId: 'manual', chunkIndex: 1 });
    expect(await retriever.listDocumentIds('t')).toEqual(['manual']);
  });
});
