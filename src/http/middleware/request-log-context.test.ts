import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, userMessage, type TestHarness } from '../../../test/support/test-services.ts';
import { ScriptedChatModel } from '../../agents/index.ts';
import { createLogger } from '../../observability/index.ts';

describe('log lines of requests and runs', () => {
  const lines: Array<Record<string, unknown>> = [];
  let harness: TestHarness;
  beforeAll(async () => {
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    // Models whose script is empty: every run fails inside the graph, and says so in the log.
    const failing = () => new ScriptedChatModel([], { whenExhausted: 'throw' });
    harness = await createTestHarness(
      { API_KEYS: JSON.stringify([{ key: 'acme-key-0123456789abcdef', tenant: 'acme', scopes: ['*'], name: 'acme-ops' }]) },
      { logger: createLogger({ level: 'info', destination }), models: { supervisor: failing(), retriever: failing(), executor: failing(), reviewer: failing() } },
    );
  });
  afterAll(async () => {
    await harness?.close();
  });

  const headers = { 'content-type': 'application/json', 'x-api-key': 'acme-key-0123456789abcdef' };

  it('carries the trace id of a W3C traceparent header on the access log line', async () => {
    await harness.app.request('/threads', { method: 'POST', headers: { ...headers, 'x-request-id': 'traced', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }, body: '{}' });
    await harness.app.request('/threads', { method: 'POST', headers: { ...headers, 'x-request-id': 'malformed', traceparent: '00-not-a-trace-01' }, body: '{}' });
    expect(lines.find((line) => line.request_id === 'traced')).toMatchObject({ msg: 'request', tenant: 'acme', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(lines.find((line) => line.request_id === 'malformed')).not.toHaveProperty('trace_id');
  });

  it('logs a failed run as a JSON error line with its run id, thread and tenant', async () => {
    const thread = (await (await harness.app.request('/threads', { method: 'POST', headers, body: '{}' })).json()) as { thread_id: string };
    const created = await harness.app.request(`/threads/${thread.thread_id}/runs/wait`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ assistant_id: 'supervisor', input: userMessage('Where is order 1001?') }),
    });
    expect(created.status).toBeGreaterThanOrEqual(500);
    const failure = lines.find((line) => line.level === 'error' && String(line.msg).includes('failed'));
    expect(failure).toMatchObject({ tenant: 'acme', thread_id: thread.thread_id, error: { message: expect.stringContaining('script exhausted') } });
    expect(String(failure!.msg)).toContain(String(failure!.run_id));
  });
});
