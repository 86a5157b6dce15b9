import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../storage/index.ts';
import { createSqliteDeferredActionQueue } from '../deferred-actions.ts';
import { drainDeferredActions } from '../drain-deferred-actions.ts';
import { runToolCall, type ToolCallContext } from '../run-tool-call.ts';
import { createSqliteEffectLedger } from '../sqlite-effect-ledger.ts';
import { createToolRegistry } from '../tool-registry.ts';
import { createUpstreamBreakers } from '../upstream-breakers.ts';
import type { OpenApiDocument } from './openapi-document.ts';
import { registerOpenApiTools } from './register-openapi-tools.ts';

const spec: OpenApiDocument = {
  openapi: '3.0.3',
  paths: {
    '/customers/{customerId}': {
      get: { operationId: 'getCustomer', summary: 'Read a customer', parameters: [
        { name: 'customerId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
        { name: 'fields', in: 'query', schema: { type: 'string', enum: ['basic', 'full'] } },
      ] },
      delete: { operationId: 'deleteCustomer', summary: 'Delete a customer', parameters: [{ name: 'customerId', in: 'path', required: true, schema: { type: 'integer' } }] },
    },
    '/customers/{customerId}/notes': {
      post: {
        operationId: 'addNote', summary: 'Add a note to a customer',
        parameters: [{ name: 'customerId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Note' } } } },
      },
    },
    '/health': { get: { operationId: 'health', summary: 'Always failing health check' } },
    '/slow': { get: { operationId: 'slow', summary: 'Answers late' } },
  },
  components: { schemas: { Note: { type: 'object', properties: { text: { type: 'string', maxLength: 200 }, pinned: { type: 'boolean' } }, required: ['text'] } } },
};

interface Seen { method: string; url: string; idempotencyKey?: string; authorization?: string; body?: unknown }

let server: Server;
let baseUrl: string;
const seen: Seen[] = [];
let customerFailuresLeft = 0;
// Requests to /slow are held unanswered until the test ends: a timeout that trips by design, whatever the machine's speed.
const held: Array<() => void> = [];

async function bodyOf(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text === '' ? undefined : JSON.parse(text);
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = await bodyOf(request);
    seen.push({ method: request.method!, url: request.url!, idempotencyKey: request.headers['idempotency-key'] as string | undefined, authorization: request.headers.authorization, body });
    const reply = (status: number, value?: unknown) => { response.writeHead(status, { 'content-type': 'application/json' }).end(value === undefined ? '' : JSON.stringify(value)); };
    if (request.url!.startsWith('/v1/customers/404')) return reply(404, { error: 'no such customer' });
    if (request.method === 'GET' && request.url!.startsWith('/v1/customers/')) {
      if (customerFailuresLeft > 0) { customerFailuresLeft -= 1; return reply(503, { error: 'busy' }); }
      return reply(200, { id: Number(request.url!.split('/')[3]!.split('?')[0]), name: 'Maya Patel' });
    }
    if (request.method === 'POST' && request.url!.endsWith('/notes')) {
      if ((body as { text: string }).text === 'rejected') return reply(422, { error: 'note text not acceptable' });
      return reply(201, { id: 77, ...(body as object) });
    }
    if (request.method === 'DELETE') return reply(204);
    if (request.url === '/v1/health') return reply(500, { error: 'down' });
    if (request.url === '/v1/slow') { held.push(() => reply(200, { late: true })); return; }
    reply(404);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

afterEach(() => {
  for (const answer of held.splice(0)) answer();
});

beforeEach(() => {
  seen.length = 0;
  customerFailuresLeft = 0;
});

// A per-call timeout no loaded machine trips (a timed-out read is retried, and the server would
// see it twice); only the timeout test sets a short one, against a server that never answers.
function setup(options: { consecutiveFailures?: number; timeoutMs?: number } = {}) {
  const tools = registerOpenApiTools(spec, {
    baseUrl, operations: ['getCustomer', 'addNote', 'deleteCustomer', 'health', 'slow'], auth: { type: 'bearer', token: 'secret-token' },
    allowedHosts: ['127.0.0.1'], upstream: 'crm', timeoutMs: options.timeoutMs ?? 30_000, retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
  });
  const database = openDatabase(':memory:', { vectors: false });
  const registry = createToolRegistry(tools);
  const ledger = createSqliteEffectLedger(database);
  const breakers = createUpstreamBreakers({ consecutiveFailures: options.consecutiveFailures ?? 50, halfOpenAfterMs: 60_000 });
  const deferred = createSqliteDeferredActionQueue(database);
  const context = (): ToolCallContext => ({ tenantId: 'acme', threadId: 'thread-1', scopes: [], idempotencyKey: randomUUID() });
  const call = (name: string, args: unknown, callContext = context()) => runToolCall({ registry, ledger, breakers, deferred, context: callContext, call: { id: 'c', name, args } });
  return { tools, registry, ledger, breakers, deferred, context, call };
}

describe('registerOpenApiTools', () => {
  it('builds one tool per allowed operation with risk by method and a strict JSON schema', () => {
    const { tools, registry } = setup();
    expect(tools.map((tool) => [tool.name, tool.risk, tool.idempotent, tool.upstream])).toEqual([
      ['getCustomer', 'read', true, 'crm'], ['addNote', 'write', false, 'crm'], ['deleteCustomer', 'write', true, 'crm'], ['health', 'read', true, 'crm'], ['slow', 'read', true, 'crm'],
    ]);
    expect(registry.toModelTools()[1]!.function.parameters).toMatchObject({
      type: 'object', required: ['customerId', 'body'], additionalProperties: false,
      properties: { body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', maxLength: 200 } } } },
    });
  });

  it('validates arguments strictly: unknown keys, enums, bounds and nested body fields', async () => {
    const { call } = setup();
    const outcome = await call('addNote', { customerId: 0, body: { text: 'hi', extra: 1 }, sneaky: true });
    expect(outcome.status === 'invalid' && outcome.issues.map((issue) => issue.field)).toEqual(['customerId', 'body.extra', 'sneaky']);
    expect(await call('getCustomer', { customerId: 1, fields: 'everything' })).toMatchObject({ status: 'invalid' });
    expect(seen).toEqual([]);
  });

  it('refuses to register unknown operations, hosts off the allow-list, and schema features it cannot enforce', () => {
    expect(() => registerOpenApiTools(spec, { baseUrl, operations: ['nope'] })).toThrow(/no operation "nope"/);
    expect(() => registerOpenApiTools(spec, { baseUrl, operations: ['health'], allowedHosts: ['api.example.com'] })).toThrow(/not among the allowed hosts/);
    const loose: OpenApiDocument = { openapi: '3.0.0', paths: { '/x': { post: { operationId: 'x', requestBody: { content: { 'application/json': { schema: { oneOf: [{ type: 'string' }, { type: 'integer' }] } } } } } } } };
    expect(() => registerOpenApiTools(loose, { baseUrl, operations: ['x'] })).toThrow(/keyword "oneOf"/);
  });

  it('sends path, query, auth and body, and an Idempotency-Key on writes that the server sees', async () => {
    const { call, context } = setup();
    expect(await call('getCustomer', { customerId: 7, fields: 'full' })).toMatchObject({ status: 'ok', result: { id: 7 } });
    const writeContext = context();
    expect(await call('addNote', { customerId: 7, body: { text: 'Called about late parcel' } }, writeContext)).toMatchObject({ status: 'ok', result: { id: 77 } });
    // The same tool call again is replayed from the ledger: the server sees one POST.
    expect(await call('addNote', { customerId: 7, body: { text: 'Called about late parcel' } }, writeContext)).toMatchObject({ status: 'ok', replayed: true });
    expect(seen).toEqual([
      { method: 'GET', url: '/v1/customers/7?fields=full', authorization: 'Bearer secret-token', idempotencyKey: undefined, body: undefined },
      { method: 'POST', url: '/v1/customers/7/notes', authorization: 'Bearer secret-token', idempotencyKey: writeContext.idempotencyKey, body: { text: 'Called about late parcel' } },
    ]);
  });

  it('maps a 4xx to a failure the model can read, without retrying', async () => {
    const { call } = setup();
    expect(await call('getCustomer', { customerId: 404 })).toEqual({ status: 'failed', retryable: false, message: expect.stringContaining('HTTP 404') });
    expect(await call('addNote', { customerId: 1, body: { text: 'rejected' } })).toEqual({ status: 'failed', retryable: false, message: expect.stringContaining('note text not acceptable') });
    expect(seen).toHaveLength(2);
  });

  it('retries an idempotent GET after a 503 and succeeds', async () => {
    const { call } = setup();
    customerFailuresLeft = 2;
    expect(await call('getCustomer', { customerId: 3 })).toMatchObject({ status: 'ok', result: { id: 3 } });
    expect(seen.map((request) => request.url)).toEqual(['/v1/customers/3', '/v1/customers/3', '/v1/customers/3']);
  });

  it('times out a slow upstream as a retryable failure', async () => {
    const { call } = setup({ timeoutMs: 100 });
    expect(await call('slow', {})).toEqual({ status: 'failed', retryable: true, message: '"slow" timed out after 100 ms.' });
  });

  it('opens the breaker after repeated 5xx, then reports writes as unavailable and queues them; draining later runs them once with the same key', async () => {
    const { call, context, deferred, registry, ledger } = setup({ consecutiveFailures: 3 });
    expect(await call('health', {})).toEqual({ status: 'failed', retryable: true, message: '"health" failed unexpectedly.' });
    expect(seen).toHaveLength(3);
    // The fourth consecutive failure would be next: the circuit is open and nothing is sent.
    expect(await call('getCustomer', { customerId: 1 })).toMatchObject({ status: 'unavailable', upstream: 'crm' });
    const writeContext = context();
    const outcome = await call('addNote', { customerId: 9, body: { text: 'Refund promised' } }, writeContext);
    expect(outcome).toEqual({ status: 'unavailable', upstream: 'crm', queued: { id: expect.any(String) }, message: expect.stringContaining('queued') });
    expect(seen).toHaveLength(3);
    expect(await deferred.listPending('acme')).toMatchObject([{ toolName: 'addNote', args: { customerId: 9, body: { text: 'Refund promised' } }, idempotencyKey: writeContext.idempotencyKey, status: 'pending' }]);

    // Later, with the upstream healthy again (a fresh breaker stands in for the half-open trial).
    const drained = await drainDeferredActions({ queue: deferred, registry, ledger, breakers: createUpstreamBreakers() });
    expect(drained.map((entry) => [entry.outcome.status, entry.action.status])).toEqual([['ok', 'done']]);
    expect(seen.filter((request) => request.method === 'POST')).toEqual([expect.objectContaining({ idempotencyKey: writeContext.idempotencyKey })]);
    expect(await deferred.listPending('acme')).toEqual([]);
    expect(await drainDeferredActions({ queue: deferred, registry, ledger })).toEqual([]);
  });
});
