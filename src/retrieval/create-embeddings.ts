import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { OpenAIEmbeddings } from '@langchain/openai';
import { createResilientEmbeddings } from './resilient-embeddings.ts';
import type { ResilientEmbeddingsOptions } from './resilient-embeddings.ts';

export interface EmbeddingsConfig extends ResilientEmbeddingsOptions {
  /** The embedding model name (`EMBEDDING_MODEL`); without it there are no embeddings. */
  model?: string;
  apiKey?: string;
  /** An OpenAI-compatible endpoint, e.g. `http://localhost:11434/v1`. */
  baseUrl?: string;
  /** Ask the model for shorter vectors (text-embedding-3 and later). */
  dimensions?: number;
  /** Per-request timeout in milliseconds (default 60,000). */
  timeoutMs?: number;
}

/**
 * The embedding model for retrieval: OpenAI-compatible embeddings when a model is configured,
 * batched, bounded in concurrency and retried on 429/5xx; `undefined` otherwise, which turns
 * dense search off so BM25 alone serves (the retrievers accept `embeddings: undefined`).
 * @example const embeddings = createEmbeddings({ model: config.models.embeddingModel, apiKey: config.models.apiKey, baseUrl: config.models.baseUrl });
 */
export function createEmbeddings(config: EmbeddingsConfig): EmbeddingsInterface | undefined {
  if (config.model === undefined || config.model === '') return undefined;
  const batchSize = config.batchSize ?? 128;
  const inner = new OpenAIEmbeddings({
    model: config.model,
    // A key is required by the SDK even for local OpenAI-compatible servers that ignore it.
    apiKey: config.apiKey ?? 'not-needed',
    dimensions: config.dimensions,
    timeout: config.timeoutMs ?? 60_000,
    batchSize,
    // cockatiel owns retries and concurrency; the SDK and LangChain must not add their own.
    maxRetries: 0,
    configuration: { baseURL: config.baseUrl, maxRetries: 0 },
  });
  return createResilientEmbeddings(inner, { ...config, batchSize });
}
