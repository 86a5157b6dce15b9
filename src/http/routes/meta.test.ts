import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../../../test/support/test-services.ts';

describe('meta routes', () => {
  let harness: TestHarness;
  beforeAll(async () => {
    harness = await createTestHarness({ API_KEYS: JSON.stringify([{ key: 'acme-key-0123456789abcdef', tenant: 'acme', scopes: ['*'] }]) });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('points GET / to the docs and the server info, without a key', async () => {
    const response = await harness.app.request('/');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ docs: '/docs', info: '/info', openapi: '/openapi.json' });
    const page = await harness.app.request('/', { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('href="/docs"');
  });

  it('serves the docs page with its script from this server, not a CDN', async () => {
    const page = await (await harness.app.request('/docs')).text();
    expect(page).toContain('src="/docs/scalar.js"');
    expect(page).not.toMatch(/https?:\/\/cdn\./);
    const script = await harness.app.request('/docs/scalar.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });
});
