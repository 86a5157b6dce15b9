import type { SQLInputValue } from 'node:sqlite';
import type { SearchFilter } from './retriever.ts';

/**
 * SQL conditions (each starting with ` AND `) for a search filter over a table or alias that
 * has `document_id` and `source` columns. Lists travel as one JSON parameter, so the statement
 * text depends only on which filters are present and prepared statements can be reused.
 */
export function filterClause(filter: SearchFilter | undefined, table: string): { sql: string; parameters: SQLInputValue[] } {
  let sql = '';
  const parameters: SQLInputValue[] = [];
  if (filter?.documentIds !== undefined) {
    sql += ` AND ${table}.document_id IN (SELECT value FROM json_each(?))`;
    parameters.push(JSON.stringify(filter.documentIds));
  }
  if (filter?.sources !== undefined) {
    sql += ` AND ${table}.source IN (SELECT value FROM json_each(?))`;
    parameters.push(JSON.stringify(filter.sources));
  }
  return { sql, parameters };
}

/** Whether a filter can match nothing at all (an empty list), so the search can stop early. */
export function filterMatchesNothing(filter: SearchFilter | undefined): boolean {
  return filter?.documentIds?.length === 0 || filter?.sources?.length === 0;
}
