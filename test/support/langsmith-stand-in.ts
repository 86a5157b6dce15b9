import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { gunzipSync, zstdDecompressSync } from 'node:zlib';

/**
 * A local stand-in for the LangSmith API, for what the installed `langsmith` client sends when it
 * traces: `GET /info` (the server's batching flags), `POST /runs/multipart` (the default: form
 * parts `post.<id>`, `post.<id>.inputs`, `patch.<id>.outputs`, …, gzip or zstd when asked),
 * `POST /runs/batch` (`{ post: [...], patch: [...] }`, the client's fallback when multipart answers
 * 404), and `POST /runs`, `PATCH /runs/:id` (without batching). Runs are merged by id as they
 * arrive; every request is recorded with its API key.
 */

export interface ReceivedRun {
  id: string;
  name?: string;
  run_type?: string;
  trace_id?: string;
  parent_run_id?: string | null;
  session_name?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  error?: string | null;
  end_time?: unknown;
  tags?: string[];
  extra?: { metadata?: Record<string, unknown> } & Record<string, unknown>;
  [field: string]: unknown;
}

export interface LangSmithRequest {
  method: string;
  path: string;
  apiKey?: string;
}

export interface LangSmithStandInOptions {
  /** Answer 404 to `/runs/multipart`, as an older server does, so the client falls back to `/runs/batch`. */
  multipart?: boolean;
  /**
   * Take this long over each `/runs…` request and keep what it carried only then (a slow
   * LangSmith): runs seen once the service has closed prove that shutdown waited for them.
   */
  ingestDelayMs?: number;
}

export interface LangSmithStandIn {
  /** `LANGSMITH_ENDPOINT` for this server. */
  url: string;
  readonly requests: LangSmithRequest[];
  /** Every run received, merged from its post and patches. */
  runs(): ReceivedRun[];
  /** Answer every request with this status while set (LangSmith down); undefined: serve. */
  failWith(status: number | undefined): void;
  close(): Promise<void>;
}

export async function startLangSmithStandIn(options: LangSmithStandInOptions = {}): Promise<LangSmithStandIn> {
  const runs = new Map<string, ReceivedRun>();
  const requests: LangSmithRequest[] = [];
  let failure: number | undefined;

  const merge = (run: Partial<ReceivedRun> & { id?: string }, id = run.id) => {
    if (!id) return;
    const known = runs.get(id) ?? { id };
    const extra = run.extra ? { ...known.extra, ...run.extra, metadata: { ...known.extra?.metadata, ...run.extra.metadata } } : known.extra;
    runs.set(id, { ...known, ...run, id, ...(extra ? { extra } : {}) });
  };

  async function readBody(request: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const encoding = request.headers['content-encoding'];
    if (encoding === 'gzip') return gunzipSync(body);
    if (encoding === 'zstd') return zstdDecompressSync(body);
    return body;
  }

  async function readMultipart(request: IncomingMessage, body: Buffer) {
    const form = await new Request('http://stand-in/', { method: 'POST', headers: { 'content-type': request.headers['content-type'] ?? '' }, body }).formData();
    for (const [name, value] of form.entries()) {
      const [operation, id, field] = name.split('.') as [string, string | undefined, string | undefined];
      if ((operation !== 'post' && operation !== 'patch') || !id) continue;
      const text = typeof value === 'string' ? value : await value.text();
      const parsed = JSON.parse(text) as unknown;
      merge(field ? { [field]: parsed } : (parsed as ReceivedRun), id);
    }
  }

  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const apiKey = request.headers['x-api-key'];
      requests.push({ method: request.method ?? 'GET', path: url.pathname, ...(typeof apiKey === 'string' ? { apiKey } : {}) });
      const body = await readBody(request);
      const answer = (status: number, value: unknown = {}) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(value));
      };
      if (failure !== undefined) return answer(failure, { detail: 'stand-in is down' });
      if (options.ingestDelayMs && url.pathname.startsWith('/runs')) await new Promise((resolve) => setTimeout(resolve, options.ingestDelayMs));
      if (request.method === 'GET' && url.pathname === '/info') {
        return answer(200, { version: '0.10.0', batch_ingest_config: { use_multipart_endpoint: options.multipart !== false }, instance_flags: {} });
      }
      if (request.method === 'POST' && url.pathname === '/runs/multipart') {
        if (options.multipart === false) return answer(404, { detail: 'Not Found' });
        await readMultipart(request, body);
        return answer(202);
      }
      if (request.method === 'POST' && url.pathname === '/runs/batch') {
        const batch = JSON.parse(body.toString('utf8')) as { post?: ReceivedRun[]; patch?: ReceivedRun[] };
        for (const run of [...(batch.post ?? []), ...(batch.patch ?? [])]) merge(run);
        return answer(202);
      }
      if (request.method === 'POST' && url.pathname === '/runs') {
        merge(JSON.parse(body.toString('utf8')) as ReceivedRun);
        return answer(202);
      }
      const patched = /^\/runs\/([^/]+)$/.exec(url.pathname);
      if (request.method === 'PATCH' && patched) {
        merge(JSON.parse(body.toString('utf8')) as ReceivedRun, decodeURIComponent(patched[1]!));
        return answer(202);
      }
      answer(404, { detail: `no ${request.method} ${url.pathname} here` });
    })().catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ detail: String(error) }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    runs: () => [...runs.values()],
    failWith(status) {
      failure = status;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
