import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { bulkhead, ExponentialBackoff, handleWhen, retry, wrap } from 'cockatiel';
import type { IPolicy } from 'cockatiel';

export interface ResilientEmbeddingsOptions {
  /** Texts per embedding request (default 128). */
  batchSize?: number;
  /** Embedding requests in flight at once, across all callers of this instance (default 4). */
  concurrency?: number;
  /** Attempts per request, the first included (default 5). */
  maxAttempts?: number;
  /** First backoff delay in milliseconds; later ones grow exponentially with jitter (default 500). */
  initialDelayMs?: number;
  /** Longest backoff delay in milliseconds (default 30,000). */
  maxDelayMs?: number;
}

/**
 * Wrap an embedding model so that large inputs go out in batches, at most `concurrency`
 * requests run at once, and a request that fails with 429, a 5xx status or a dropped
 * connection is retried with exponential backoff (cockatiel). Other failures (400, 401) are
 * not retried: repeating them cannot help. The inner model should not retry on its own, or
 * retries multiply.
 * @example const embeddings = createResilientEmbeddings(new OpenAIEmbeddings({ model, maxRetries: 0 }), { concurrency: 2 });
 */
export function createResilientEmbeddings(inner: EmbeddingsInterface, options: ResilientEmbeddingsOptions = {}): EmbeddingsInterface {
  const batchSize = options.batchSize ?? 128;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const retrying = retry(handleWhen(isRetryableEmbeddingError), {
    maxAttempts: Math.max(0, (options.maxAttempts ?? 5) - 1),
    backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 500, maxDelay: options.maxDelayMs ?? 30_000 }),
  });
  // The bulkhead sits inside the retry, so a request waiting out its backoff frees its slot.
  const policy: IPolicy = wrap(retrying, bulkhead(options.concurrency ?? 4, Number.POSITIVE_INFINITY));

  return {
    async embedDocuments(documents: string[]): Promise<number[][]> {
      const batches: string[][] = [];
      for (let start = 0; start < documents.length; start += batchSize) batches.push(documents.slice(start, start + batchSize));
      const results = await Promise.all(batches.map((batch) => policy.execute(() => inner.embedDocuments(batch))));
      return results.flat();
    },
    async embedQuery(document: string): Promise<number[]> {
      return policy.execute(() => inner.embedQuery(document));
    },
  };
}

/**
 * Whether an embedding failure is worth retrying: rate limiting (429), a server error (5xx),
 * a timeout or a connection that failed before any status arrived. Works on the OpenAI SDK's
 * errors (which carry `status`) and on fetch failures.
 */
export function isRetryableEmbeddingError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number') return status === 429 || status === 408 || status >= 500;
  const name = (error as { name?: unknown }).name;
  return name === 'APIConnectionError' || name === 'APIConnectionTimeoutError' || name === 'TimeoutError';
}
