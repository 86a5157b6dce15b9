import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { createMalformedRequests, type FuzzRequest, type OpenApiDocument } from './malformed-requests.ts';

/**
 * Hostile callers, generated from our own `/openapi.json`: for every operation, requests with
 * the wrong types, missing and unknown fields, huge strings, deep and wide JSON, broken JSON,
 * wrong content types, odd path and query values and bodies where none belong. Whatever they
 * send, the server answers 4xx (or 2xx when a mutation happens to be valid) in the one error
 * shape, never 5xx, never with an exception's text, and keeps answering.
 */
const apiKey = 'fuzz-key-0123456789abcdef';
const minimumRequests = 5_000;
const deadlineMs = 90_000;
const concurrency = 8;
const seed = 20_260_401;

// What an exception's text looks like: stack frames, engine and library error names, codes.
const internalText = /at .*\.ts:|TypeError|RangeError|SyntaxError|SqliteError|ERR_|Maximum call stack|ZodError|node_modules|\bstack\b/;

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

let server: TestServer;
let agent: http.Agent;

/**
 * One request. A keep-alive socket the server closed as this request went out (it closes one
 * whose previous body it did not read, as after a 413) fails before the server saw anything;
 * as Node's documentation advises, that request is sent again, once.
 */
async function send(request: FuzzRequest): Promise<Answer> {
  try {
    return await sendOnce(request);
  } catch (error) {
    if ((error as { reusedSocket?: boolean }).reusedSocket) return sendOnce(request);
    throw error;
  }
}

function sendOnce(request: FuzzRequest): Promise<Answer> {
  const url = new URL(server.url);
  // Node sends a GET's or DELETE's body unframed unless told its length; the server would read it as the next request.
  const headers = request.body === undefined ? request.headers : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) };
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      { agent, host: url.hostname, port: url.port, method: request.method, path: request.path, headers, timeout: 30_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 30 s')));
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      reject(Object.assign(error, { reusedSocket: outgoing.reusedSocket && (error.code === 'ECONNRESET' || error.message === 'socket hang up') })),
    );
    outgoing.end(request.body);
  });
}

function problemWith(request: FuzzRequest, answer: Answer): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}`;
  if (internalText.test(answer.body)) return `body shows internal text: ${internalText.exec(answer.body)?.[0]}`;
  if (answer.status >= 400) {
    if (!answer.contentType.startsWith('application/json')) return `${answer.status} answered as ${answer.contentType || 'no content type'}`;
    let parsed: { error?: { code?: unknown; message?: unknown }; request_id?: unknown };
    try {
      parsed = JSON.parse(answer.body) as typeof parsed;
    } catch {
      return 'error body is not JSON';
    }
    if (typeof parsed.error?.code !== 'string' || typeof parsed.error.message !== 'string' || typeof parsed.request_id !== 'string') {
      return 'error body is not { error: { code, message }, request_id }';
    }
  }
  return undefined;
}

describe('malformed requests generated from /openapi.json', () => {
  beforeAll(async () => {
    server = await startTestServer({ API_KEYS: JSON.stringify([{ key: apiKey, tenant: 'fuzz', scopes: ['*'], name: 'fuzzer' }]) });
    agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  });
  afterAll(async () => {
    agent?.destroy();
    await server?.close();
  });

  it(`answers at least ${minimumRequests} of them without a 5xx or internal text, and still answers after`, { timeout: deadlineMs + 60_000 }, async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApiDocument;
    const requests = createMalformedRequests(document, { seed, apiKey, minimum: minimumRequests + 1_000 });
    const started = Date.now();
    const deadline = started + deadlineMs;
    const histogram = new Map<number, number>();
    const problems: string[] = [];
    let sent = 0;
    let next = 0;

    async function worker() {
      while (next < requests.length && Date.now() < deadline) {
        const request = requests[next++]!;
        let problem: string | undefined;
        try {
          const answer = await send(request);
          histogram.set(answer.status, (histogram.get(answer.status) ?? 0) + 1);
          problem = problemWith(request, answer);
          if (problem) problem += ` | answer: ${answer.body.slice(0, 300)}`;
        } catch (error) {
          problem = `no answer (${error instanceof Error ? error.message : String(error)})`;
        }
        sent++;
        if (problem) problems.push(`${request.operation} [${request.mutation}] ${request.method} ${request.path.slice(0, 200)} body: ${String(request.body ?? '').slice(0, 200)} -> ${problem}`);
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker));

    const statuses = [...histogram.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`);
    console.log(`openapi fuzz: ${sent} malformed requests over ${new Set(requests.map((request) => request.operation)).size} operations in ${((Date.now() - started) / 1000).toFixed(1)} s; statuses ${statuses.join(', ')}`);

    expect(problems.slice(0, 25), `${problems.length} problems`).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(minimumRequests);
    const ok = await fetch(`${server.url}/ok`);
    expect(ok.status).toBe(200);
    const authenticated = await fetch(`${server.url}/threads/search`, { method: 'POST', headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, body: '{}' });
    expect(authenticated.status).toBe(200);
  });
});
