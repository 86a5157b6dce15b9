import { randomUUID } from 'node:crypto';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, describe } from 'vitest';
import { HashingEmbedder } from './hashing-embedder.ts';
import { createQdrantRetriever } from './qdrant-retriever.ts';
import { describeRetrieverConformance } from './retriever-conformance.ts';

// Runs against a real Qdrant (docker compose up qdrant; QDRANT_URL=http://localhost:6333) and is
// skipped otherwise. Each run uses its own aliases and deletes their collections afterwards.
const url = process.env.QDRANT_URL;
const run = randomUUID().slice(0, 8);
const aliases = [`overseer-test-${run}-keyword`, `overseer-test-${run}-hybrid`];

describe.skipIf(!url)('Qdrant retriever against a real server', () => {
  const client = new QdrantClient({ url, apiKey: process.env.QDRANT_API_KEY, checkCompatibility: false });

  afterAll(async () => {
    const { aliases: existing } = await client.getAliases();
    // Deleting a collection also deletes the aliases that point at it.
    for (const entry of existing.filter((alias) => aliases.includes(alias.alias_name))) {
      await client.deleteCollection(entry.collection_name);
    }
  });

  describeRetrieverConformance('Qdrant keyword', async () => createQdrantRetriever({ client, collection: aliases[0] as string }));
  describeRetrieverConformance('Qdrant hybrid with the hashing embedder', async () =>
    createQdrantRetriever({ client, collection: aliases[1] as string, embeddings: new HashingEmbedder({ dimensions: 64 }) }),
  );
});
