import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A test double of the Qdrant REST API: the subset the Qdrant retriever uses (collections,
 * aliases, payload indexes, upsert, retrieve, scroll, delete, batch, count, and the Query API
 * with sparse IDF, cosine and RRF prefetch fusion), in memory, on port 0. It records every
 * request so tests can check what the client sent. It is only for tests: it is not a search
 * engine, scans every point, and implements `must` filters of `match.value` / `match.any` only.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

type Payload = Record<string, unknown>;
type SparseVector = { indices: number[]; values: number[] };
interface Point {
  id: string | number;
  vector: Record<string, number[] | SparseVector>;
  payload: Payload;
}
interface Collection {
  config: { vectors: Record<string, { size: number; distance: string }>; sparse_vectors: Record<string, { modifier?: string }> };
  indexes: Record<string, unknown>;
  points: Map<string, Point>;
}
type Filter = { must?: Array<{ key: string; match: { value?: unknown; any?: unknown[] } }> };
type Prefetch = { query?: unknown; using?: string; filter?: Filter; limit?: number; prefetch?: Prefetch[] };

export async function startFakeQdrant(options: { maxBodyBytes?: number } = {}) {
  const requests: RecordedRequest[] = [];
  const collections = new Map<string, Collection>();
  const aliases = new Map<string, string>();
  const resolve = (name: string): Collection | undefined => collections.get(aliases.get(name) ?? name);

  const handle = (method: string, path: string, body: any): { status: number; result: unknown } => {
    const [, first, name, second, third] = path.split('?')[0]?.split('/') ?? [];
    if (method === 'GET' && first === 'aliases') return ok({ aliases: [...aliases].map(([alias_name, collection_name]) => ({ alias_name, collection_name })) });
    if (method === 'POST' && first === 'collections' && name === 'aliases') {
      for (const action of body.actions) {
        if (action.delete_alias) aliases.delete(action.delete_alias.alias_name);
        if (action.create_alias) {
          if (collections.has(action.create_alias.alias_name)) return { status: 409, result: 'name taken by a collection' };
          aliases.set(action.create_alias.alias_name, action.create_alias.collection_name);
        }
      }
      return ok(true);
    }
    if (first !== 'collections' || name === undefined) return { status: 404, result: 'unknown route' };
    const collection = resolve(name);
    if (second === 'exists') return ok({ exists: collection !== undefined });
    if (second === undefined && method === 'PUT') {
      collections.set(name, { config: { vectors: body.vectors ?? {}, sparse_vectors: body.sparse_vectors ?? {} }, indexes: {}, points: new Map() });
      return ok(true);
    }
    if (collection === undefined) return { status: 404, result: `Collection ${name} not found` };
    if (second === undefined && method === 'GET') return ok({ status: 'green', points_count: collection.points.size, config: { params: collection.config } });
    if (second === undefined && method === 'DELETE') {
      collections.delete(name);
      return ok(true);
    }
    if (second === 'index') {
      collection.indexes[body.field_name] = body.field_schema;
      return ok({ status: 'completed' });
    }
    if (second !== 'points') return { status: 404, result: 'unknown route' };
    const points = collection.points;
    if (third === undefined && method === 'PUT') {
      for (const point of body.points) {
        for (const key of Object.keys(point.vector ?? {})) {
          if (!(key in collection.config.vectors) && !(key in collection.config.sparse_vectors)) return { status: 400, result: `Wrong vector name ${key}` };
        }
        points.set(String(point.id), { id: point.id, vector: point.vector ?? {}, payload: point.payload ?? {} });
      }
      return ok({ status: 'completed' });
    }
    if (third === undefined && method === 'POST') {
      return ok(body.ids.flatMap((id: unknown) => {
        const point = points.get(String(id));
        return point === undefined ? [] : [present(point, body.with_payload, body.with_vector)];
      }));
    }
    if (third === 'scroll') {
      const matching = [...points.values()].filter((point) => matches(point, body.filter)).sort((left, right) => String(left.id).localeCompare(String(right.id)));
      const start = body.offset === undefined ? 0 : matching.findIndex((point) => String(point.id) === String(body.offset));
      const page = matching.slice(start, start + (body.limit ?? 10));
      const next = matching[start + page.length];
      return ok({ points: page.map((point) => present(point, body.with_payload, body.with_vector)), next_page_offset: next?.id ?? null });
    }
    if (third === 'delete') {
      for (const point of [...points.values()]) {
        if (body.points ? body.points.map(String).includes(String(point.id)) : matches(point, body.filter)) points.delete(String(point.id));
      }
      return ok({ status: 'completed' });
    }
    if (third === 'batch') {
      for (const operation of body.operations) {
        for (const id of operation.set_payload.points) {
          const point = points.get(String(id));
          if (point !== undefined) Object.assign(point.payload, operation.set_payload.payload);
        }
      }
      return ok([{ status: 'completed' }]);
    }
    if (third === 'count') return ok({ count: [...points.values()].filter((point) => matches(point, body.filter)).length });
    if (third === 'query') {
      const ranked = runQuery(collection, body).slice(0, body.limit ?? 10);
      return ok({ points: ranked.map(({ point, score }) => ({ ...present(point, body.with_payload, body.with_vector), score, version: 1 })) });
    }
    return { status: 404, result: 'unknown route' };
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.length > 0 ? JSON.parse(raw.toString()) : undefined;
      const path = request.url ?? '';
      requests.push({ method: request.method ?? '', path, body });
      const { status, result } =
        options.maxBodyBytes !== undefined && raw.length > options.maxBodyBytes
          ? { status: 413, result: 'Payload too large' }
          : handle(request.method ?? '', path, body);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(status === 200 ? { result, status: 'ok', time: 0 } : { status: { error: result }, time: 0 }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    collections,
    aliases,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

function ok(result: unknown) {
  return { status: 200, result };
}

function matches(point: Point, filter: Filter | undefined): boolean {
  return (filter?.must ?? []).every(({ key, match }) => {
    const value = point.payload[key];
    const values = Array.isArray(value) ? value : [value];
    if (match.any !== undefined) return values.some((entry) => match.any?.includes(entry));
    return values.includes(match.value);
  });
}

function present(point: Point, withPayload: unknown, withVector: unknown) {
  const payload =
    withPayload === true ? point.payload : Array.isArray(withPayload) ? Object.fromEntries(withPayload.map((key: string) => [key, point.payload[key]])) : undefined;
  const vector =
    withVector === true ? point.vector : Array.isArray(withVector) ? Object.fromEntries(withVector.filter((key: string) => key in point.vector).map((key: string) => [key, point.vector[key]])) : undefined;
  return { id: point.id, ...(payload === undefined ? {} : { payload }), ...(vector === undefined ? {} : { vector }) };
}

function runQuery(collection: Collection, request: Prefetch): Array<{ point: Point; score: number }> {
  const candidates = [...collection.points.values()].filter((point) => matches(point, request.filter));
  const query = request.query as any;
  if (query?.rrf !== undefined || query?.fusion === 'rrf') {
    const k = query?.rrf?.k ?? 2;
    const scores = new Map<string, { point: Point; score: number }>();
    for (const prefetch of request.prefetch ?? []) {
      runQuery(collection, prefetch).forEach(({ point }, rank) => {
        if (!matches(point, request.filter)) return;
        const entry = scores.get(String(point.id)) ?? { point, score: 0 };
        entry.score += 1 / (k + rank + 1);
        scores.set(String(point.id), entry);
      });
    }
    return [...scores.values()].sort((left, right) => right.score - left.score).slice(0, request.limit ?? 10);
  }
  const using = request.using ?? '';
  let scored: Array<{ point: Point; score: number }>;
  if (Array.isArray(query)) {
    scored = candidates.flatMap((point) => {
      const vector = point.vector[using];
      return Array.isArray(vector) ? [{ point, score: cosine(query, vector) }] : [];
    });
  } else {
    const sparse = query as SparseVector;
    const idf = collection.config.sparse_vectors[using]?.modifier === 'idf';
    const withVector = [...collection.points.values()].filter((point) => point.vector[using] !== undefined);
    scored = candidates.flatMap((point) => {
      const vector = point.vector[using] as SparseVector | undefined;
      if (vector === undefined) return [];
      let score = 0;
      let overlap = false;
      sparse.indices.forEach((index, position) => {
        const at = vector.indices.indexOf(index);
        if (at === -1) return;
        overlap = true;
        const frequency = withVector.filter((other) => (other.vector[using] as SparseVector).indices.includes(index)).length;
        const weight = idf ? Math.log(1 + (withVector.length - frequency + 0.5) / (frequency + 0.5)) : 1;
        score += (sparse.values[position] ?? 0) * (vector.values[at] ?? 0) * weight;
      });
      return overlap ? [{ point, score }] : [];
    });
  }
  return scored.sort((left, right) => right.score - left.score).slice(0, request.limit ?? 10);
}

function cosine(left: number[], right: number[]): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  left.forEach((value, index) => {
    dot += value * (right[index] ?? 0);
    leftNorm += value * value;
    rightNorm += (right[index] ?? 0) ** 2;
  });
  return leftNorm === 0 || rightNorm === 0 ? 0 : dot / Math.sqrt(leftNorm * rightNorm);
}
