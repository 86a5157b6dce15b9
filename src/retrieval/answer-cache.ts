import { createHash } from 'node:crypto';

/** Where a cached answer is looked up: the question as asked, under the knowledge base's write generation. */
export interface AnswerCacheKey {
  /** The question in the customer's words; normalised before it is hashed (see `normalizeQuestion`). */
  question: string;
  /** `Retriever.generation` read before the search the answer came from. */
  generation: string;
}

/**
 * Answers to knowledge-base questions, per tenant, under the write generation of what the
 * tenant searches: a write to the tenant's documents or the shared corpus changes the
 * generation, so nothing cached before it is served after it. SQLite or Redis; both pass
 * `describeAnswerCacheContract`.
 */
export interface AnswerCache {
  /** The answer cached for this question and generation, or undefined (another tenant's never counts). */
  get(tenantId: string, key: AnswerCacheKey): Promise<unknown>;
  /** Cache a JSON value; a later `set` for the same question replaces it. */
  set(tenantId: string, key: AnswerCacheKey, value: unknown): Promise<void>;
}

/**
 * The question as the cache compares it: Unicode-normalised, lower case, inner whitespace
 * collapsed, surrounding punctuation and spaces dropped. "What is the refund policy?" and
 * "  what is the REFUND policy " are one question; anything that changes a word is another.
 */
export function normalizeQuestion(question: string): string {
  return question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
}

/** SHA-256 of the normalised question, hex: fixed-size keys whatever was asked. */
export function questionDigest(question: string): string {
  return createHash('sha256').update(normalizeQuestion(question)).digest('hex');
}
