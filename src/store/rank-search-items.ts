import type { Item, SearchItem } from '@langchain/langgraph-checkpoint';
import { indexedTexts } from './index-texts.ts';
import type { ItemVectors } from './embed-operations.ts';

/** An item found by a search, with what ranking needs to know about it. */
export interface SearchCandidate {
  item: Item;
  /** The field paths it was indexed by (`false` when put with `index: false`). */
  indexFields: false | string[];
  vectors?: ItemVectors;
}

export interface RankRequest {
  query?: string | undefined;
  /** The embedded query; absent when the store has no embeddings, which selects lexical ranking. */
  queryVector?: Float32Array | undefined;
  offset: number;
  limit: number;
}

/**
 * Orders and pages search candidates (already filtered, in the store's base order).
 * - No query: base order, no score.
 * - Query with embeddings: best cosine similarity over the item's field vectors.
 * - Query without embeddings: lexical score, the share of distinct query words found among
 *   the words of the item's indexed texts (the whole value as JSON by default), from 0 to 1.
 * Either way every candidate stays in the result, so a query ranks and a filter restricts;
 * items that were put with `index: false` come last, without a score. Ties keep base order.
 */
export function rankSearchItems(candidates: SearchCandidate[], request: RankRequest): SearchItem[] {
  const { offset, limit } = request;
  if (!request.query) return candidates.slice(offset, offset + limit).map(({ item }) => ({ ...item }));
  const scored: Array<{ item: Item; score: number }> = [];
  const scoreless: Item[] = [];
  const queryWords = request.queryVector ? undefined : new Set(wordsOf(request.query));
  for (const candidate of candidates) {
    const score = request.queryVector ? vectorScore(candidate, request.queryVector) : lexicalScore(candidate, queryWords as Set<string>);
    if (score === undefined) scoreless.push(candidate.item);
    else scored.push({ item: candidate.item, score });
  }
  scored.sort((left, right) => right.score - left.score);
  const ranked: SearchItem[] = [...scored.map(({ item, score }) => ({ ...item, score })), ...scoreless.map((item) => ({ ...item }))];
  return ranked.slice(offset, offset + limit);
}

function vectorScore(candidate: SearchCandidate, queryVector: Float32Array): number | undefined {
  if (!candidate.vectors || candidate.vectors.size === 0) return undefined;
  let best = -Infinity;
  for (const vector of candidate.vectors.values()) best = Math.max(best, cosineSimilarity(queryVector, vector));
  return best;
}

function lexicalScore(candidate: SearchCandidate, queryWords: Set<string>): number | undefined {
  const texts = indexedTexts(candidate.item.value, candidate.indexFields);
  if (texts.length === 0) return undefined;
  if (queryWords.size === 0) return 0;
  const itemWords = new Set(texts.flatMap(({ text }) => wordsOf(text)));
  let found = 0;
  for (const word of queryWords) if (itemWords.has(word)) found += 1;
  return found / queryWords.size;
}

function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Cosine similarity; 0 when either vector is all zeros. */
export function cosineSimilarity(left: Float32Array, right: Float32Array): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let position = 0; position < left.length; position += 1) {
    const a = left[position] as number;
    const b = right[position] ?? 0;
    dot += a * b;
    leftNorm += a * a;
    rightNorm += b * b;
  }
  return leftNorm && rightNorm ? dot / Math.sqrt(leftNorm * rightNorm) : 0;
}
