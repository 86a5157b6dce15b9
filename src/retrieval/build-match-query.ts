import { contentTerms } from './content-terms.ts';

/**
 * Turn user text into a safe FTS5 MATCH expression: each informative word becomes a quoted
 * string and the words are OR-ed, so BM25 ranks chunks by how many and how rare the matched
 * words are. Returns `undefined` when the text has no informative word (nothing to search for).
 * Quoting makes FTS5 operators in user text (`AND`, `NEAR`, `*`, `"`, `-`, `:`) plain words,
 * so no input can produce an FTS5 syntax error.
 * @example buildMatchQuery('refund AND "late') // '"refund" OR "late"'
 */
export function buildMatchQuery(text: string): string | undefined {
  const terms = contentTerms(text);
  if (terms.length === 0) return undefined;
  return terms.map(quoteTerm).join(' OR ');
}

/** One word as an FTS5 string literal. Tokens hold only letters and digits, so no escaping is needed. */
export function quoteTerm(term: string): string {
  return `"${term}"`;
}
