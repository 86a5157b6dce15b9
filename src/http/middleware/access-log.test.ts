import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../../../test/support/test-services.ts';
import { createLogger } from '../../observability/index.ts';

describe('access log', () => {
  const lines: Array<Record<string, unknown>> = [];
  let harness: TestHarness;
  beforeAll(async () => {
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    harness = await createTestHarness(
      { API_KEYS: JSON.stringify([{ key: 'acme-key-0123456789abcdef', tenant: 'acme', scopes: ['*'], name: 'acme-ops' }]) },
      { logger: createLogger({ level: 'info', destination }) },
    );
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('writes one JSON line per request with method, path, status, duration, request id and tenant', async () => {
    await harness.app.request('/threads', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'acme-key-0123456789abcdef', 'x-request-id': 'req-1' }, body: '{}' });
    await harness.app.request('/threads/search', { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'req-2' }, body: '{}' });
    const [created, refused] = ['req-1', 'req-2'].map((id) => lines.find((line) => line.request_id === id));
    expect(created).toMatchObject({ level: 'info', msg: 'request', method: 'POST', path: '/threads', status: 200, tenant: 'acme', service: 'overseer' });
    expect(typeof created!.duration_ms).toBe('number');
    // A refused request is logged too, as a warning, without a tenant it never proved.
    expect(refused).toMatchObject({ level: 'warn', path: '/threads/search', status: 401, tenant: null });
  });

  it('masks personal data in logged paths', async () => {
    await harness.app.request('/threads/maya@example.com', { headers: { 'x-api-key': 'acme-key-0123456789abcdef', 'x-request-id': 'req-3' } });
    const line = lines.find((entry) => entry.request_id === 'req-3');
    expect(line?.path).toBe('/threads/[redacted:email]');
  });
});
