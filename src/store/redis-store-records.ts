import type { Item } from '@langchain/langgraph-checkpoint';
import type { ItemVectors } from './embed-operations.ts';
import { decodeNamespace } from './namespace-path.ts';

/** Hash fields read back for an item, in this order; `vectors` only when a search ranks by them. */
export const recordFields = ['value', 'index', 'createdAt', 'updatedAt', 'ttl', 'expiresAt'] as const;

/** An item as read from its hash. */
export interface StoredRecord {
  item: Item;
  index: false | string[] | undefined;
  ttl: number | null;
  expiresAt: number | null;
  vectors?: ItemVectors;
}

/** Decodes an HMGET reply over `recordFields` (plus `vectors`), or null when the item is gone. */
export function decodeRecord(namespace: string, key: string, reply: Array<string | null>): StoredRecord | null {
  const [value, index, createdAt, updatedAt, ttl, expiresAt, vectors] = reply;
  if (value === null || value === undefined || createdAt == null || updatedAt == null) return null;
  const record: StoredRecord = {
    item: {
      namespace: decodeNamespace(namespace),
      key,
      value: JSON.parse(value) as Record<string, unknown>,
      createdAt: new Date(Number(createdAt)),
      updatedAt: new Date(Number(updatedAt)),
    },
    index: index == null ? undefined : (JSON.parse(index) as false | string[]),
    ttl: ttl == null ? null : Number(ttl),
    expiresAt: expiresAt == null ? null : Number(expiresAt),
  };
  if (vectors != null) record.vectors = decodeVectors(vectors);
  return record;
}

export function encodeVectors(vectors: ItemVectors): string {
  const encoded: Record<string, string> = {};
  for (const [field, vector] of vectors) encoded[field] = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
  return JSON.stringify(encoded);
}

function decodeVectors(encoded: string): ItemVectors {
  const vectors: ItemVectors = new Map();
  for (const [field, base64] of Object.entries(JSON.parse(encoded) as Record<string, string>)) {
    const bytes = Buffer.from(base64, 'base64');
    // Copy out of Buffer's shared pool: Float32Array needs its own 4-byte aligned memory.
    vectors.set(field, new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
  }
  return vectors;
}
