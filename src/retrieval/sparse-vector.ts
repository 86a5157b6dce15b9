import { contentTerms, isStopword, wordTokens } from './content-terms.ts';
import { fnv1a } from './fnv1a.ts';

/** A sparse vector as Qdrant takes it: parallel arrays, indices unique and ascending. */
export interface SparseVector {
  indices: number[];
  values: number[];
}

export interface SparseVectorOptions {
  /** BM25 term-frequency saturation (default 1.2). */
  k1?: number;
  /** BM25 length normalisation (default 0.75). */
  b?: number;
  /** The chunk length, in informative words, that counts as average (default 80). */
  averageLength?: number;
}

/**
 * Fold a word to a crude stem so that inflections meet: "refunds", "refunded" and "refunding"
 * all become "refund", "descale" and "descaling" become "descal". It is deliberately smaller
 * than Porter's algorithm: it only needs to be the same on the document and the query side.
 */
export function stemTerm(term: string): string {
  let stem = term;
  if (stem.length > 4 && stem.endsWith('ies')) stem = `${stem.slice(0, -3)}y`;
  else if (stem.length > 4 && stem.endsWith('sses')) stem = stem.slice(0, -2);
  else if (stem.length > 3 && stem.endsWith('s') && !/(ss|us|is)$/.test(stem)) stem = stem.slice(0, -1);
  if (stem.length > 5 && stem.endsWith('ing')) stem = stem.slice(0, -3);
  else if (stem.length > 4 && stem.endsWith('ed')) stem = stem.slice(0, -2);
  if (stem.length > 4 && stem.endsWith('e')) stem = stem.slice(0, -1);
  return stem;
}

/** The sparse-vector index of a stem: its FNV-1a hash, an unsigned 32-bit integer as Qdrant wants. */
export function termId(stem: string): number {
  return fnv1a(stem);
}

/** The distinct term ids of a query's informative words, in first-seen order. */
export function queryTermIds(query: string): number[] {
  return [...new Set(contentTerms(query).map((term) => termId(stemTerm(term))))];
}

/**
 * The query side of sparse BM25: weight 1 for each distinct informative word. Qdrant's `idf`
 * modifier multiplies each matched dimension by the term's inverse document frequency at
 * search time, so query × document = Σ IDF(t) × saturated tf(t, d), which is BM25.
 */
export function querySparseVector(query: string): SparseVector {
  const indices = queryTermIds(query).sort((left, right) => left - right);
  return { indices, values: indices.map(() => 1) };
}

/**
 * The document side of sparse BM25, computed client-side because Qdrant stores values, not
 * text: each informative word (stopwords dropped, stemmed, hashed to a 32-bit index) gets
 * tf × (k1 + 1) / (tf + k1 × (1 − b + b × length / averageLength)). IDF is left out here
 * on purpose: the collection's `idf` modifier applies it from live statistics, so it never
 * goes stale as documents come and go. Heading words count twice, as in the SQLite backend.
 * Hash collisions between different stems (rare with 2^32 buckets) add their frequencies.
 */
export function documentSparseVector(headings: readonly string[], text: string, options: SparseVectorOptions = {}): SparseVector {
  const frequencies = termFrequencies(headings, text);
  const k1 = options.k1 ?? 1.2;
  const b = options.b ?? 0.75;
  const averageLength = options.averageLength ?? 80;
  let length = 0;
  for (const count of frequencies.values()) length += count;
  const normaliser = k1 * (1 - b + (b * length) / averageLength);
  const indices = [...frequencies.keys()].sort((left, right) => left - right);
  return {
    indices,
    values: indices.map((index) => {
      const frequency = frequencies.get(index) ?? 0;
      return (frequency * (k1 + 1)) / (frequency + normaliser);
    }),
  };
}

/** Term id → frequency over the headings (counted twice) and the text. */
export function termFrequencies(headings: readonly string[], text: string): Map<number, number> {
  const frequencies = new Map<number, number>();
  const count = (source: string, weight: number): void => {
    for (const token of wordTokens(source)) {
      if (isStopword(token)) continue;
      const id = termId(stemTerm(token));
      frequencies.set(id, (frequencies.get(id) ?? 0) + weight);
    }
  };
  count(headings.join('\n'), 2);
  count(text, 1);
  return frequencies;
}
