import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/*
 * The scope matrix on a real listening server: a key per single scope (tenant `acme`), each
 * sent one request of every route family. What the key's scopes allow answers 2xx; the rest
 * answer 403 FORBIDDEN naming the scope that is missing, never 404 or 500. A second tenant's
 * full key sees none of it.
 */

const singleScopes = [
  'assistants:read', 'threads:read', 'threads:write', 'runs:read', 'runs:write', 'store:read', 'store:write',
  'approvals:read', 'approvals:write', 'audit:read', 'ingest:read', 'ingest:write', 'metrics:read', 'usage:read',
] as const;
const keyOf = (scope: string) => `only-${scope.replace(':', '-')}-key-0123456789`;
const keys = {
  admin: 'acme-admin-key-0123456789abcdef',
  requester: 'acme-requester-key-0123456789abcdef',
  globex: 'globex-admin-key-0123456789abcdef',
};
const apiKeys = JSON.stringify([
  ...singleScopes.map((scope) => ({ key: keyOf(scope), tenant: 'acme', scopes: [scope], name: `only ${scope}` })),
  { key: keys.admin, tenant: 'acme', scopes: ['*'], name: 'acme-admin' },
  { key: keys.requester, tenant: 'acme', scopes: ['runs:write', 'runs:read', 'threads:*', 'refunds:write', 'orders:read'], name: 'support-agent' },
  { key: keys.globex, tenant: 'globex', scopes: ['*'], name: 'globex-admin' },
]);

const question = { messages: [{ role: 'user', content: 'How long do refunds take to arrive?' }] };
const lateRefund = { messages: [{ role: 'user', content: 'Please refund order 1004 because it arrived late.' }] };

interface Answer {
  status: number;
  body: unknown;
}

interface Fixture {
  /** A thread with one finished run, for reads and runs. */
  runThread: string;
  finishedRun: string;
  /** A thread with a finished run, for state updates. */
  stateThread: string;
  /** A thread paused at a refund approval nobody with the scope ever decides. */
  approvalId: string;
  jobId: string;
}

/** One request of the matrix: the scopes it needs, in the order they are checked. */
interface Row {
  name: string;
  needs: readonly string[];
  /** `allowed`: whether this key should get through, so the request can bring a resource of its own. */
  send(key: string, allowed: boolean): Promise<Answer>;
}

describe('scope matrix: each scope alone, over every route family', () => {
  let server: TestServer;
  let fixture: Fixture;
  let created = 0;

  async function call(method: string, route: string, key: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${server.url}${route}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // An SSE or plain body: kept as text.
    }
    return { status: response.status, body: parsed };
  }

  async function newThread(): Promise<string> {
    const answer = await call('POST', '/threads', keys.admin, {});
    return (answer.body as { thread_id: string }).thread_id;
  }

  async function finishedRunOn(threadId: string): Promise<string> {
    const run = (await call('POST', `/threads/${threadId}/runs`, keys.admin, { assistant_id: 'supervisor', input: question })).body as { run_id: string };
    await call('GET', `/threads/${threadId}/runs/${run.run_id}/join`, keys.admin);
    return run.run_id;
  }

  /** The requester asks for a refund above the threshold: a fresh pending approval. */
  async function pausedApproval(): Promise<string> {
    const thread = (await call('POST', '/threads', keys.requester, {})).body as { thread_id: string };
    const paused = await call('POST', `/threads/${thread.thread_id}/runs/wait`, keys.requester, { assistant_id: 'supervisor', input: lateRefund });
    const approvalId = (paused.body as { __interrupt__?: Array<{ value: { approvalId: string } }> }).__interrupt__?.[0]?.value.approvalId;
    if (!approvalId) throw new Error(`the refund did not pause for approval: ${JSON.stringify(paused.body).slice(0, 500)}`);
    return approvalId;
  }

  beforeAll(async () => {
    server = await startTestServer({ API_KEYS: apiKeys });
    const runThread = await newThread();
    const finishedRun = await finishedRunOn(runThread);
    const stateThread = await newThread();
    await finishedRunOn(stateThread);
    await call('PUT', '/store/items', keys.admin, { namespace: ['notes'], key: 'k1', value: { text: 'hello' } });
    const job = (await call('POST', '/ingest', keys.admin, { documents: [{ id: 'doc-1', source: 'notes/1.md', text: 'Refunds arrive in 5 to 10 business days.' }] })).body as { job_id: string };
    fixture = { runThread, finishedRun, stateThread, approvalId: await pausedApproval(), jobId: job.job_id };
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  const unique = (prefix: string) => `${prefix}-${(created += 1)}`;

  const rows: Row[] = [
    { name: 'GET /assistants/{id}', needs: ['assistants:read'], send: (key) => call('GET', '/assistants/supervisor', key) },
    { name: 'POST /assistants/search', needs: ['assistants:read'], send: (key) => call('POST', '/assistants/search', key, {}) },

    { name: 'POST /threads', needs: ['threads:write'], send: (key) => call('POST', '/threads', key, {}) },
    { name: 'GET /threads/{id}', needs: ['threads:read'], send: (key) => call('GET', `/threads/${fixture.runThread}`, key) },
    { name: 'POST /threads/search', needs: ['threads:read'], send: (key) => call('POST', '/threads/search', key, {}) },
    { name: 'POST /threads/count', needs: ['threads:read'], send: (key) => call('POST', '/threads/count', key, {}) },
    { name: 'PATCH /threads/{id}', needs: ['threads:write'], send: (key) => call('PATCH', `/threads/${fixture.runThread}`, key, { metadata: { touched: true } }) },
    { name: 'GET /threads/{id}/state', needs: ['threads:read'], send: (key) => call('GET', `/threads/${fixture.runThread}/state`, key) },
    { name: 'GET /threads/{id}/history', needs: ['threads:read'], send: (key) => call('GET', `/threads/${fixture.runThread}/history`, key) },
    {
      name: 'POST /threads/{id}/state (as_node)',
      needs: ['threads:write'],
      send: (key) => call('POST', `/threads/${fixture.stateThread}/state`, key, { values: { messages: [{ role: 'ai', content: 'A note.' }] }, as_node: 'finish' }),
    },
    {
      name: 'POST /threads/{id}/state (no as_node)',
      needs: ['threads:write'],
      send: (key) => call('POST', `/threads/${fixture.stateThread}/state`, key, { values: { messages: [{ role: 'ai', content: 'Another note.' }] } }),
    },
    { name: 'POST /threads/{id}/copy', needs: ['threads:write'], send: (key) => call('POST', `/threads/${fixture.runThread}/copy`, key) },
    {
      name: 'DELETE /threads/{id}',
      needs: ['threads:write'],
      send: async (key, allowed) => call('DELETE', `/threads/${allowed ? await newThread() : fixture.runThread}`, key),
    },

    {
      name: 'POST /threads/{id}/runs/wait (input)',
      needs: ['runs:write'],
      send: (key) => call('POST', `/threads/${fixture.runThread}/runs/wait`, key, { assistant_id: 'supervisor', input: question, multitask_strategy: 'enqueue' }),
    },
    {
      name: 'POST /threads/{id}/runs/wait (command.resume)',
      needs: ['runs:write'],
      send: (key) => call('POST', `/threads/${fixture.runThread}/runs/wait`, key, { assistant_id: 'supervisor', command: { resume: 'nothing to resume' }, multitask_strategy: 'enqueue' }),
    },
    { name: 'POST /runs/wait (stateless)', needs: ['runs:write'], send: (key) => call('POST', '/runs/wait', key, { assistant_id: 'supervisor', input: question }) },
    {
      name: 'POST /runs/batch',
      needs: ['runs:write'],
      send: (key) => call('POST', '/runs/batch', key, [{ assistant_id: 'supervisor', input: question }]),
    },
    {
      name: 'POST /threads/{new}/runs/wait (if_not_exists "create")',
      needs: ['runs:write', 'threads:write'],
      send: (key) => call('POST', `/threads/${unique('made-by-run')}/runs/wait`, key, { assistant_id: 'supervisor', input: question, if_not_exists: 'create' }),
    },
    {
      name: 'POST /runs/wait (on_completion "keep")',
      needs: ['runs:write', 'threads:write'],
      send: (key) => call('POST', '/runs/wait', key, { assistant_id: 'supervisor', input: question, on_completion: 'keep' }),
    },
    {
      name: 'POST /runs/batch (on_completion "keep")',
      needs: ['runs:write', 'threads:write'],
      send: (key) => call('POST', '/runs/batch', key, [{ assistant_id: 'supervisor', input: question, on_completion: 'keep' }]),
    },
    {
      name: 'POST /threads/{id}/runs/wait (command.update)',
      needs: ['runs:write', 'threads:write'],
      send: (key) => call('POST', `/threads/${fixture.runThread}/runs/wait`, key, {
        assistant_id: 'supervisor', command: { update: { messages: [{ role: 'user', content: 'What is the refund policy?' }] } }, multitask_strategy: 'enqueue',
      }),
    },
    {
      name: 'POST /threads/{id}/runs/wait (command.goto)',
      needs: ['runs:write', 'threads:write'],
      send: (key) => call('POST', `/threads/${fixture.runThread}/runs/wait`, key, { assistant_id: 'supervisor', command: { goto: 'route' }, multitask_strategy: 'enqueue' }),
    },
    { name: 'GET /threads/{id}/runs', needs: ['runs:read'], send: (key) => call('GET', `/threads/${fixture.runThread}/runs`, key) },
    { name: 'GET /threads/{id}/runs/{run}', needs: ['runs:read'], send: (key) => call('GET', `/threads/${fixture.runThread}/runs/${fixture.finishedRun}`, key) },
    { name: 'GET /threads/{id}/runs/{run}/join', needs: ['runs:read'], send: (key) => call('GET', `/threads/${fixture.runThread}/runs/${fixture.finishedRun}/join`, key) },
    {
      name: 'POST /threads/{id}/runs/{run}/cancel',
      needs: ['runs:write'],
      send: (key) => call('POST', `/threads/${fixture.runThread}/runs/${fixture.finishedRun}/cancel`, key),
    },
    {
      name: 'DELETE /threads/{id}/runs/{run}',
      needs: ['runs:write'],
      send: async (key, allowed) => call('DELETE', `/threads/${fixture.runThread}/runs/${allowed ? await finishedRunOn(fixture.runThread) : fixture.finishedRun}`, key),
    },

    { name: 'PUT /store/items', needs: ['store:write'], send: (key) => call('PUT', '/store/items', key, { namespace: ['notes'], key: unique('item'), value: { n: 1 } }) },
    { name: 'GET /store/items', needs: ['store:read'], send: (key) => call('GET', '/store/items?namespace=notes&key=k1', key) },
    { name: 'POST /store/items/search', needs: ['store:read'], send: (key) => call('POST', '/store/items/search', key, { namespace_prefix: ['notes'] }) },
    { name: 'POST /store/namespaces', needs: ['store:read'], send: (key) => call('POST', '/store/namespaces', key, {}) },
    { name: 'DELETE /store/items', needs: ['store:write'], send: (key) => call('DELETE', '/store/items', key, { namespace: ['notes'], key: 'never-there' }) },

    { name: 'GET /approvals', needs: ['approvals:read'], send: (key) => call('GET', '/approvals', key) },
    { name: 'GET /approvals/{id}', needs: ['approvals:read'], send: (key) => call('GET', `/approvals/${fixture.approvalId}`, key) },
    {
      name: 'POST /approvals/{id}',
      needs: ['approvals:write'],
      send: async (key, allowed) => call('POST', `/approvals/${allowed ? await pausedApproval() : fixture.approvalId}`, key, { decision: 'reject', reason: 'Not this time' }),
    },

    { name: 'GET /audit', needs: ['audit:read'], send: (key) => call('GET', '/audit?limit=5', key) },
    { name: 'GET /audit/verify', needs: ['audit:read'], send: (key) => call('GET', '/audit/verify', key) },

    { name: 'GET /metrics', needs: ['metrics:read'], send: (key) => call('GET', '/metrics', key) },
    { name: 'GET /usage', needs: ['usage:read'], send: (key) => call('GET', '/usage?group_by=agent', key) },

    {
      name: 'POST /ingest',
      needs: ['ingest:write'],
      send: (key) => call('POST', '/ingest', key, { documents: [{ id: unique('doc'), source: 'notes/n.md', text: 'Store hours are 9 to 5.' }] }),
    },
    { name: 'GET /ingest/{job}', needs: ['ingest:read'], send: (key) => call('GET', `/ingest/${fixture.jobId}`, key) },

    { name: 'GET /info', needs: [], send: (key) => call('GET', '/info', key) },
    { name: 'GET /ok', needs: [], send: (key) => call('GET', '/ok', key) },
  ];

  /** What `scopes` may do: a row's scopes all held, or the first one missing. */
  function expectation(scopes: readonly string[], row: Row): { allowed: true } | { allowed: false; missing: string } {
    const holds = (scope: string) => scopes.includes('*') || scopes.includes(scope) || scopes.includes(`${scope.split(':')[0]}:*`);
    const missing = row.needs.find((scope) => !holds(scope));
    return missing === undefined ? { allowed: true } : { allowed: false, missing };
  }

  /** Every row for one key; the mismatches, as lines of the table. */
  async function mismatchesFor(key: string, scopes: readonly string[]): Promise<string[]> {
    const mismatches: string[] = [];
    for (const row of rows) {
      const expected = expectation(scopes, row);
      const answer = await row.send(key, expected.allowed);
      const error = (answer.body as { error?: { code: string; message: string } } | null)?.error;
      if (expected.allowed) {
        if (answer.status < 200 || answer.status >= 300) mismatches.push(`${row.name}: expected 2xx, got ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
      } else if (answer.status !== 403 || error?.code !== 'FORBIDDEN' || !error.message.includes(`"${expected.missing}"`)) {
        mismatches.push(`${row.name}: expected 403 naming ${expected.missing}, got ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
      }
    }
    return mismatches;
  }

  for (const scope of singleScopes) {
    it(`a key with only ${scope} gets exactly what ${scope} allows, and 403 naming the scope for the rest`, async () => {
      expect(await mismatchesFor(keyOf(scope), [scope])).toEqual([]);
    }, 120_000);
  }

  it('a full key gets every request of the matrix', async () => {
    expect(await mismatchesFor(keys.admin, ['*'])).toEqual([]);
  }, 120_000);

  it('a key with runs:write alone creates no thread and writes no state, whichever way it asks', async () => {
    const key = keyOf('runs:write');
    const threadsBefore = (await call('POST', '/threads/count', keys.admin, {})).body as number;
    const stateBefore = (await call('GET', `/threads/${fixture.runThread}/state`, keys.admin)).body as { checkpoint: unknown };
    const made = unique('made-by-run');
    expect((await call('POST', `/threads/${made}/runs`, key, { assistant_id: 'supervisor', input: question, if_not_exists: 'create' })).status).toBe(403);
    expect((await call('POST', `/threads/${made}/runs/stream`, key, { assistant_id: 'supervisor', input: question, if_not_exists: 'create' })).status).toBe(403);
    expect((await call('POST', '/runs', key, { assistant_id: 'supervisor', input: question, on_completion: 'keep' })).status).toBe(403);
    expect((await call('POST', '/runs/stream', key, { assistant_id: 'supervisor', input: question, on_completion: 'keep' })).status).toBe(403);
    expect((await call('POST', `/threads/${fixture.runThread}/runs`, key, { assistant_id: 'supervisor', command: { update: { messages: [{ role: 'user', content: 'x' }] } } })).status).toBe(403);
    expect((await call('POST', `/threads/${fixture.runThread}/state`, key, { values: { messages: [{ role: 'ai', content: 'x' }] }, as_node: 'finish' })).status).toBe(403);
    expect((await call('GET', `/threads/${made}`, keys.admin)).status).toBe(404);
    expect((await call('POST', '/threads/count', keys.admin, {})).body).toBe(threadsBefore);
    expect(((await call('GET', `/threads/${fixture.runThread}/state`, keys.admin)).body as { checkpoint: unknown }).checkpoint).toEqual(stateBefore.checkpoint);
  }, 120_000);

  it('another tenant\'s full key sees none of acme\'s threads, runs, approvals or jobs', async () => {
    const key = keys.globex;
    const notFound = [
      await call('GET', `/threads/${fixture.runThread}`, key),
      await call('GET', `/threads/${fixture.runThread}/state`, key),
      await call('GET', `/threads/${fixture.runThread}/runs/${fixture.finishedRun}`, key),
      await call('POST', `/threads/${fixture.runThread}/runs/wait`, key, { assistant_id: 'supervisor', input: question }),
      await call('GET', `/approvals/${fixture.approvalId}`, key),
      await call('POST', `/approvals/${fixture.approvalId}`, key, { decision: 'approve' }),
      await call('GET', `/ingest/${fixture.jobId}`, key),
      await call('DELETE', `/threads/${fixture.runThread}`, key),
    ];
    expect(notFound.map((answer) => answer.status)).toEqual(notFound.map(() => 404));
    expect((await call('GET', '/approvals', key)).body).toEqual([]);
    expect((await call('POST', '/threads/count', key, {})).body).toBe(0);
    expect(((await call('GET', '/store/items?namespace=notes&key=k1', key)).body)).toBeNull();
    expect((await call('GET', `/approvals/${fixture.approvalId}`, keys.admin)).body).toMatchObject({ status: 'pending' });
  }, 120_000);

  it('an unknown key is 401 everywhere but the public paths', async () => {
    expect((await call('GET', `/threads/${fixture.runThread}`, 'not-a-key-0123456789')).status).toBe(401);
    expect((await call('GET', '/approvals', 'not-a-key-0123456789')).status).toBe(401);
    expect((await call('GET', '/ok', 'not-a-key-0123456789')).status).toBe(200);
  });
});
