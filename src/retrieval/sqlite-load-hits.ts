import type { DatabaseSync } from 'node:sqlite';
import { sharedCorpusId } from './retriever.ts';
import type { SearchHit } from './retriever.ts';

export type LoadedHit = Omit<SearchHit, 'score' | 'scores'> & { rowId: number };

/**
 * Load chunk rows by rowid, in the order given. The tenants are checked again here so that
 * even a rowid that leaked from elsewhere cannot surface another tenant's text.
 */
export function loadHits(database: DatabaseSync, tenantIds: readonly string[], rowIds: readonly number[]): LoadedHit[] {
  if (rowIds.length === 0) return [];
  // The unary plus keeps the planner off the (tenant_id, ...) index: with it, SQLite walks every
  // chunk of the tenant (5 ms at 100k) instead of looking the few ids up by primary key.
  const rows = database
    .prepare(
      `SELECT id, tenant_id, document_id, chunk_index, text, title, source, headings FROM retrieval_chunks
        WHERE id IN (SELECT value FROM json_each(?)) AND +tenant_id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(rowIds), JSON.stringify(tenantIds));
  const byId = new Map(rows.map((row) => [Number(row.id), row]));
  return rowIds.flatMap((rowId) => {
    const row = byId.get(rowId);
    if (row === undefined) return [];
    const documentId = String(row.document_id);
    const chunkIndex = Number(row.chunk_index);
    const headings = String(row.headings);
    return [
      {
        rowId,
        documentId,
        chunkId: `${documentId}#${chunkIndex}`,
        chunkIndex,
        text: String(row.text),
        ...(row.title === null ? {} : { title: String(row.title) }),
        source: String(row.source),
        headings: headings === '' ? [] : headings.split('\n'),
        scope: row.tenant_id === sharedCorpusId ? 'shared' : 'tenant',
      },
    ];
  });
}
