import { AppError } from '../errors.ts';
import { indexedTexts } from './index-texts.ts';
import { itemIdOf } from './namespace-path.ts';
import type { StoreIndexConfig, StorePutOperation } from './store-types.ts';

/** An item's vectors, one per indexed field path. */
export type ItemVectors = Map<string, Float32Array>;

const defaultFields = ['$'];

/** The field paths a put indexes: its own `index` option, else the store's fields, else the whole value. */
export function indexFieldsOf(index: false | string[] | null | undefined, config: StoreIndexConfig | undefined): false | string[] {
  if (index === false) return false;
  return index ?? config?.fields ?? defaultFields;
}

/**
 * Embeds every text the puts index, in one `embedDocuments` call with duplicates removed,
 * and returns the vectors per item id (`itemIdOf`). Without an index config, nothing is embedded.
 */
export async function embedPuts(puts: StorePutOperation[], config: StoreIndexConfig | undefined): Promise<Map<string, ItemVectors>> {
  const vectorsByItem = new Map<string, ItemVectors>();
  if (!config) return vectorsByItem;
  const owners = new Map<string, Array<{ itemId: string; field: string }>>();
  for (const put of puts) {
    if (put.value === null) continue;
    const itemId = itemIdOf(put.namespace, put.key);
    vectorsByItem.set(itemId, new Map());
    for (const { field, text } of indexedTexts(put.value, indexFieldsOf(put.index, config))) {
      const list = owners.get(text) ?? [];
      list.push({ itemId, field });
      owners.set(text, list);
    }
  }
  if (owners.size === 0) return vectorsByItem;
  const texts = [...owners.keys()];
  const embedded = await config.embeddings.embedDocuments(texts);
  texts.forEach((text, position) => {
    const vector = checkedVector(embedded[position], config.dims);
    for (const { itemId, field } of owners.get(text) ?? []) vectorsByItem.get(itemId)?.set(field, vector);
  });
  return vectorsByItem;
}

/** One vector per distinct query string; empty without an index config. */
export async function embedQueries(queries: Array<string | undefined>, config: StoreIndexConfig | undefined): Promise<Map<string, Float32Array>> {
  const distinct = [...new Set(queries.filter((query): query is string => Boolean(query)))];
  if (!config || distinct.length === 0) return new Map();
  const vectors = await Promise.all(distinct.map((query) => config.embeddings.embedQuery(query)));
  return new Map(distinct.map((query, position) => [query, checkedVector(vectors[position], config.dims)]));
}

function checkedVector(vector: number[] | undefined, dims: number): Float32Array {
  // A model swapped for one with another width would silently score everything near zero.
  if (!vector || vector.length !== dims) {
    throw new AppError('INTERNAL', `Store embeddings returned ${vector?.length ?? 0} dimensions, the index is configured for ${dims}`);
  }
  return Float32Array.from(vector);
}
