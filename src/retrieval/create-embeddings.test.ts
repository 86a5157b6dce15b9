import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddings } from './create-embeddings.ts';

interface EmbeddingCall {
  path: string;
  input: string[];
}

/**
 * An OpenAI-compatible `/embeddings` endpoint on port 0. `statuses` are the response statuses
 * of the first requests, in order; every later request succeeds. A text's vector is
 * [its length, 1], so answers are checkable. It counts the requests in flight at once.
 */
async function startEmbeddingServer(statuses: number[] = [], delayMs = 0) {
  const calls: EmbeddingCall[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const parsed = JSON.parse(body) as { input: string[] | string };
      const input = Array.isArray(parsed.input) ? parsed.input : [parsed.input];
      calls.push({ path: request.url ?? '', input });
      const status = statuses[calls.length - 1] ?? 200;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        response.writeHead(status, { 'content-type': 'application/json' });
        if (status !== 200) {
          response.end(JSON.stringify({ error: { message: `status ${status}`, type: 'test' } }));
          return;
        }
        response.end(
          JSON.stringify({
            object: 'list',
            model: 'test-embedding',
            data: input.map((text, index) => ({ object: 'embedding', index, embedding: [text.length, 1] })),
            usage: { prompt_tokens: 1, total_tokens: 1 },
          }),
        );
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { calls, baseUrl: `http://127.0.0.1:${port}/v1`, maxInFlight: () => maxInFlight, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('createEmbeddings', () => {
  let server: Awaited<ReturnType<typeof startEmbeddingServer>> | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('returns no embeddings when no model is configured, so BM25 serves alone', () => {
    expect(createEmbeddings({})).toBeUndefined();
    expect(createEmbeddings({ model: '' })).toBeUndefined();
  });

  it('retries a rate-limited request and a server error, then returns the vectors', async () => {
    server = await startEmbeddingServer([429, 503]);
    const embeddings = createEmbeddings({ model: 'test-embedding', baseUrl: server.baseUrl, initialDelayMs: 5, maxDelayMs: 20 });
    expect(await embeddings?.embedDocuments(['abc', 'de'])).toEqual([
      [3, 1],
      [2, 1],
    ]);
    expect(server.calls).toHaveLength(3);
    expect(server.calls.every((call) => call.path === '/v1/embeddings')).toBe(true);
  });

  it('does not retry a request the server refuses as invalid', async () => {
    server = await startEmbeddingServer([400]);
    const embeddings = createEmbeddings({ model: 'test-embedding', baseUrl: server.baseUrl, initialDelayMs: 5 });
    await expect(embeddings?.embedQuery('abc')).rejects.toMatchObject({ status: 400 });
    expect(server.calls).toHaveLength(1);
  });

  it('gives up after the configured number of attempts', async () => {
    server = await startEmbeddingServer([500, 500, 500, 500]);
    const embeddings = createEmbeddings({ model: 'test-embedding', baseUrl: server.baseUrl, maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 10 });
    await expect(embeddings?.embedQuery('abc')).rejects.toMatchObject({ status: 500 });
    expect(server.calls).toHaveLength(3);
  });

  it('sends large inputs in batches with a bounded number of requests in flight', async () => {
    server = await startEmbeddingServer([], 20);
    const embeddings = createEmbeddings({ model: 'test-embedding', baseUrl: server.baseUrl, batchSize: 2, concurrency: 2 });
    const texts = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff', 'g'];
    const vectors = await embeddings?.embedDocuments(texts);
    expect(vectors?.map((vector) => vector[0])).toEqual([1, 2, 3, 4, 5, 6, 1]);
    expect(server.calls.map((call) => call.input.length).sort()).toEqual([1, 2, 2, 2]);
    expect(server.maxInFlight()).toBe(2);
  });
});
