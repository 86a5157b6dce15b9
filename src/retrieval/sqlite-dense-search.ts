import type { DatabaseSync } from 'node:sqlite';
import { filterClause } from './filter-clause.ts';
import type { SearchFilter } from './retriever.ts';
import { hasVectorTable } from './sqlite-retrieval-schema.ts';

export interface DenseSearchOptions {
  tenantId: string;
  vector: number[];
  filter?: SearchFilter;
  /** How many nearest chunks to return (sqlite-vec allows at most 4096). */
  candidates: number;
}

/**
 * K-nearest-neighbour search in the tenant's partition of the sqlite-vec table. The tenant is
 * the partition key and the filters are vec0 metadata columns, so both apply inside the KNN
 * scan: the k results are k matching chunks, not k chunks filtered afterwards.
 * Similarity is 1 - cosine distance, floored at 0.
 */
export function searchDense(database: DatabaseSync, options: DenseSearchOptions): Array<{ id: number; similarity: number }> {
  if (!hasVectorTable(database) || isZeroVector(options.vector)) return [];
  const filter = filterClause(options.filter, 'retrieval_chunk_vectors');
  const rows = database
    .prepare(
      `SELECT chunk_id AS id, distance FROM retrieval_chunk_vectors
        WHERE embedding MATCH ? AND k = ? AND tenant_id = ?${filter.sql}
        ORDER BY distance`,
    )
    .all(toVectorBlob(options.vector), Math.min(options.candidates, 4096), options.tenantId, ...filter.parameters);
  return rows
    .filter((row) => row.distance !== null)
    .map((row) => ({ id: Number(row.id), similarity: Math.max(0, 1 - Number(row.distance)) }));
}

/** A vector as the little-endian float32 blob sqlite-vec stores. */
export function toVectorBlob(vector: readonly number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(vector).buffer);
}

/** A zero vector has no direction: cosine distance to it is undefined, so it is never stored or searched. */
export function isZeroVector(vector: readonly number[]): boolean {
  return vector.every((value) => value === 0);
}
