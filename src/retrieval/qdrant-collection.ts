import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import { AppError } from '../errors.ts';
import { denseVectorName, sparseVectorName } from './qdrant-points.ts';

// Tenant first and marked `is_tenant`, so Qdrant co-locates each tenant's points and plans
// tenant-filtered searches as a scan of that tenant; `terms` answers per-tenant document frequencies.
const payloadIndexes: Array<[string, Schemas['PayloadFieldSchema']]> = [
  ['tenant_id', { type: 'keyword', is_tenant: true }],
  ['kind', 'keyword'],
  ['document_id', 'keyword'],
  ['source', 'keyword'],
  ['terms', 'integer'],
];

/**
 * Create a physical collection for the retriever: a named cosine dense vector (when there
 * is an embedding model), a sparse `bm25` vector with the IDF modifier, and payload indexes.
 */
export async function createPhysicalCollection(client: QdrantClient, name: string, dimensions: number | undefined): Promise<void> {
  await client.createCollection(name, {
    vectors: dimensions === undefined ? {} : { [denseVectorName]: { size: dimensions, distance: 'Cosine' } },
    sparse_vectors: { [sparseVectorName]: { modifier: 'idf' } },
  });
  for (const [field_name, field_schema] of payloadIndexes) {
    await client.createPayloadIndex(name, { field_name, field_schema, wait: true });
  }
}

/** A fresh physical name behind an alias: `overseer_chunks` → `overseer_chunks-m3x1k2a9`. */
export function physicalCollectionName(alias: string, now = Date.now()): string {
  return `${alias}-${now.toString(36)}`;
}

/**
 * Make sure `alias` resolves to a collection: when it does not exist, create a physical
 * collection and point the alias at it. When it exists, check that its dense vector matches
 * the embedding model, since silently mixing vector spaces would make dense search lie.
 * One `collectionExists` call, never a listing of all collections.
 */
export async function ensureCollection(client: QdrantClient, alias: string, dimensions: () => Promise<number | undefined>): Promise<void> {
  const { exists } = await client.collectionExists(alias);
  const wanted = await dimensions();
  if (!exists) {
    const name = physicalCollectionName(alias);
    await createPhysicalCollection(client, name, wanted);
    await client.updateCollectionAliases({ actions: [{ create_alias: { collection_name: name, alias_name: alias } }] });
    return;
  }
  if (wanted === undefined) return;
  const info = await client.getCollection(alias);
  const vectors = info.config.params.vectors as Record<string, { size?: number } | undefined> | undefined;
  const size = vectors?.[denseVectorName]?.size;
  if (size !== wanted) {
    throw new AppError(
      'CONFLICT',
      size === undefined
        ? `Qdrant collection "${alias}" has no dense vector; run a reindex to add one`
        : `Qdrant collection "${alias}" holds ${size}-dimensional vectors but the embedding model returns ${wanted}; run a reindex`,
    );
  }
}

/**
 * Point `alias` at `target` in one atomic alias update, so searches switch from the old
 * collection to the new one with no moment in between. Returns the collection it pointed at.
 */
export async function swapAlias(client: QdrantClient, alias: string, target: string): Promise<string | undefined> {
  const { aliases } = await client.getAliases();
  const previous = aliases.find((entry) => entry.alias_name === alias)?.collection_name;
  const actions: Schemas['AliasOperations'][] = [];
  if (previous !== undefined) actions.push({ delete_alias: { alias_name: alias } });
  actions.push({ create_alias: { collection_name: target, alias_name: alias } });
  await client.updateCollectionAliases({ actions });
  return previous;
}
