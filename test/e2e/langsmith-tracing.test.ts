import { afterEach, describe, expect, it } from 'vitest';
import { startLangSmithStandIn, type LangSmithStandIn, type ReceivedRun } from '../support/langsmith-stand-in.ts';
import { createTestHarness, userMessage, type TestHarness } from '../support/test-services.ts';

/*
 * LangSmith tracing through the real Hono app: a supervisor run on the offline model is traced to
 * a local stand-in of the LangSmith API (what the installed langsmith client sends: /info, then
 * /runs/multipart, or /runs/batch where multipart is missing), with the run's thread, run,
 * tenant, assistant and graph on every run of its trace, flushed when the service shuts down.
 */

const key = 'acme-admin-key-0123456789abcdef';
const apiKeys = JSON.stringify([{ key, tenant: 'acme', scopes: ['*'], name: 'acme-admin' }]);
const question = 'Please refund order 1001 because it arrived late. You can reach me at maya.lopez@example.com';

function request(harness: TestHarness, method: string, path: string, body?: unknown) {
  return harness.app.request(path, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function askOnThread(harness: TestHarness) {
  const thread = (await (await request(harness, 'POST', '/threads', {})).json()) as { thread_id: string };
  const created = await request(harness, 'POST', `/threads/${thread.thread_id}/runs`, { assistant_id: 'supervisor', input: userMessage(question) });
  expect(created.status).toBe(200);
  const run = (await created.json()) as { run_id: string; assistant_id: string };
  const joined = await request(harness, 'GET', `/threads/${thread.thread_id}/runs/${run.run_id}/join`);
  expect(joined.status).toBe(200);
  const values = (await joined.json()) as { result: { status: string; reason?: string } };
  const stored = (await (await request(harness, 'GET', `/threads/${thread.thread_id}/runs/${run.run_id}`)).json()) as { status: string };
  return { threadId: thread.thread_id, runId: run.run_id, assistantId: run.assistant_id, values, status: stored.status };
}

async function infoFlags(harness: TestHarness): Promise<{ langsmith: boolean }> {
  return ((await (await harness.app.request('/info')).json()) as { flags: { langsmith: boolean } }).flags;
}

const langsmithEnvironment = (standIn: { url: string }) => ({
  API_KEYS: apiKeys,
  LANGSMITH_TRACING: 'true',
  LANGSMITH_ENDPOINT: standIn.url,
  LANGSMITH_API_KEY: 'ls-test-key',
  LANGSMITH_PROJECT: 'overseer-tests',
});

describe('LangSmith tracing', () => {
  let standIn: LangSmithStandIn | undefined;
  let harness: TestHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    await standIn?.close();
    standIn = undefined;
  });

  for (const multipart of [true, false]) {
    it(`traces a run with its thread, run, tenant and assistant, sent by ${multipart ? '/runs/multipart' : '/runs/batch (no multipart endpoint)'} and flushed at shutdown`, async () => {
      // A slow LangSmith: what arrives after the service closed was waited for by its shutdown.
      standIn = await startLangSmithStandIn({ multipart, ingestDelayMs: 1_500 });
      harness = await createTestHarness(langsmithEnvironment(standIn));
      expect((await infoFlags(harness)).langsmith).toBe(true);
      const { threadId, runId, assistantId, status } = await askOnThread(harness);
      expect(status).toBe('success');
      // Shutdown sends what is still queued.
      await harness.close();
      harness = undefined;

      const received = standIn.runs();
      const root = received.find((run) => run.name === 'supervisor' && !run.parent_run_id);
      expect(root, `a root run named supervisor among ${received.map((run) => run.name).join(', ')}`).toBeDefined();
      expect(root!.run_type).toBe('chain');
      expect(root!.session_name).toBe('overseer-tests');
      expect(root!.end_time).toBeDefined();
      expect(root!.outputs).toBeDefined();
      const expectedMetadata = { thread_id: threadId, run_id: runId, tenant_id: 'acme', assistant_id: assistantId, graph_id: 'supervisor' };
      expect(root!.extra?.metadata).toMatchObject(expectedMetadata);

      // The whole trace: routing, the specialists' subgraphs and every model call, under one trace id, each with the run's metadata.
      const trace = received.filter((run) => run.trace_id === root!.id);
      const modelCalls = trace.filter((run) => run.run_type === 'llm');
      expect(modelCalls.length).toBeGreaterThanOrEqual(2);
      expect(modelCalls.map((run) => run.extra?.metadata?.agent_role)).toEqual(expect.arrayContaining(['supervisor', 'executor']));
      for (const run of trace) expect(run.extra?.metadata, `metadata of ${run.name}`).toMatchObject(expectedMetadata);
      expect(trace.some((run) => run.name === 'executor' && run.run_type === 'chain')).toBe(true);

      // Sent with the configured key, to the endpoint the client was given (multipart, or its batch fallback).
      expect(standIn.requests.some((sent) => sent.path === (multipart ? '/runs/multipart' : '/runs/batch'))).toBe(true);
      expect(standIn.requests.filter((sent) => sent.path.startsWith('/runs')).every((sent) => sent.apiKey === 'ls-test-key')).toBe(true);
      // Personal data is redacted before it leaves, as in the logs.
      const sentText = JSON.stringify(received);
      expect(sentText).toContain('Please refund order 1001 because it arrived late');
      expect(sentText).not.toContain('maya.lopez@example.com');
      expect(sentText).toContain('[redacted:email]');
    }, 60_000);
  }

  it('shows a thread\'s runs as one LangSmith thread: two runs on it carry the same thread_id', async () => {
    standIn = await startLangSmithStandIn();
    harness = await createTestHarness(langsmithEnvironment(standIn));
    const first = await askOnThread(harness);
    const again = await request(harness, 'POST', `/threads/${first.threadId}/runs/wait`, { assistant_id: 'supervisor', input: userMessage('And how do I ask for it?') });
    expect(again.status).toBe(200);
    await harness.close();
    harness = undefined;
    const roots = standIn.runs().filter((run: ReceivedRun) => run.name === 'supervisor' && !run.parent_run_id);
    expect(roots).toHaveLength(2);
    expect(roots.map((run) => run.extra?.metadata?.thread_id)).toEqual([first.threadId, first.threadId]);
    expect(new Set(roots.map((run) => run.extra?.metadata?.run_id)).size).toBe(2);
  }, 60_000);

  it('traces each run once when the tracing variables are also in the process environment (LangChain adds no tracer of its own beside ours)', async () => {
    standIn = await startLangSmithStandIn();
    const environment = langsmithEnvironment(standIn);
    const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
    Object.assign(process.env, environment);
    try {
      harness = await createTestHarness(environment);
      const { runId } = await askOnThread(harness);
      await harness.close();
      harness = undefined;
      const roots = standIn.runs().filter((run) => run.name === 'supervisor' && !run.parent_run_id);
      expect(roots.map((run) => run.extra?.metadata?.run_id)).toEqual([runId]);
      const llm = standIn.runs().filter((run) => run.run_type === 'llm');
      expect(llm.every((run) => run.trace_id === roots[0]!.id)).toBe(true);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }, 60_000);

  it('never holds up or fails a run while LangSmith is down, and shuts down within its flush timeout', async () => {
    standIn = await startLangSmithStandIn();
    harness = await createTestHarness(langsmithEnvironment(standIn));
    standIn.failWith(503);
    expect((await askOnThread(harness)).status).toBe('success');
    // Unreachable altogether: the next run still completes.
    await standIn.close();
    standIn = undefined;
    expect((await askOnThread(harness)).status).toBe('success');
    // The flush at shutdown gives up after its timeout instead of waiting for an endpoint that is not there.
    await harness.close();
    harness = undefined;
  }, 60_000);

  it('reports langsmith false in /info when tracing is not configured', async () => {
    harness = await createTestHarness({ API_KEYS: apiKeys });
    expect((await infoFlags(harness)).langsmith).toBe(false);
    expect(harness.services.langsmith).toBeUndefined();
  });
});
