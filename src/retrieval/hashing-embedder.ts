import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { isStopword, wordTokens } from './content-terms.ts';
import { fnv1a } from './fnv1a.ts';

export interface HashingEmbedderOptions {
  /** Vector length (default 256). */
  dimensions?: number;
}

/**
 * A deterministic stand-in for an embedding model, for tests and offline runs of the dense
 * search path. It is NOT a semantic model: it hashes word unigrams and bigrams (stopwords
 * dropped, a trailing plural "s" trimmed) into a fixed number of signed buckets, weights them
 * by 1 + ln(term frequency) and L2-normalizes the result. Cosine similarity between two
 * vectors therefore measures shared words, not shared meaning; "refund" and "money back" are
 * unrelated to it. Use `OpenAIEmbeddings` (or any `EmbeddingsInterface`) for real dense search.
 * @example const retriever = createSqliteRetriever({ database, embeddings: new HashingEmbedder() });
 */
export class HashingEmbedder implements EmbeddingsInterface {
  readonly dimensions: number;

  constructor(options: HashingEmbedderOptions = {}) {
    this.dimensions = options.dimensions ?? 256;
    if (!Number.isInteger(this.dimensions) || this.dimensions < 2) {
      throw new RangeError(`HashingEmbedder dimensions must be an integer of at least 2, got ${this.dimensions}`);
    }
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((document) => this.embed(document));
  }

  async embedQuery(document: string): Promise<number[]> {
    return this.embed(document);
  }

  private embed(text: string): number[] {
    const words = wordTokens(text)
      .filter((token) => !isStopword(token))
      .map((token) => (token.length > 3 && token.endsWith('s') && !token.endsWith('ss') ? token.slice(0, -1) : token));
    const counts = new Map<string, number>();
    words.forEach((word, index) => {
      counts.set(word, (counts.get(word) ?? 0) + 1);
      const next = words[index + 1];
      if (next !== undefined) counts.set(`${word} ${next}`, (counts.get(`${word} ${next}`) ?? 0) + 1);
    });
    const vector = new Array<number>(this.dimensions).fill(0);
    for (const [feature, count] of counts) {
      const hash = fnv1a(feature);
      // The sign bit keeps colliding features from always adding up, so collisions average out.
      const sign = hash & 0x80000000 ? -1 : 1;
      const bucket = (hash & 0x7fffffff) % this.dimensions;
      vector[bucket] = (vector[bucket] ?? 0) + sign * (1 + Math.log(count));
    }
    const norm = Math.hypot(...vector);
    return norm === 0 ? vector : vector.map((value) => value / norm);
  }
}
