import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createTestHarness, type TestHarness } from '../../../test/support/test-services.ts';

describe('console routes', () => {
  let harness: TestHarness;
  beforeAll(async () => {
    harness = await createTestHarness({ API_KEYS: JSON.stringify([{ key: 'acme-key-0123456789abcdef', tenant: 'acme', scopes: ['*'] }]) });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('serves the page without a key, with a policy that lets it load and call only this server', async () => {
    const response = await harness.app.request('/console');
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    const page = await response.text();
    expect(page).toContain('<script type="module" src="/console/assets/console.js">');
    expect(page).not.toMatch(/https?:\/\//);
  });

  it('serves the bundle built from the project, and 404s an unknown asset', async () => {
    const script = await harness.app.request('/console/assets/console.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    const text = await script.text();
    // Preact and Chart.js are in it, from node_modules; no module is imported from elsewhere.
    expect(text.length).toBeGreaterThan(50_000);
    expect(text).not.toMatch(/\bimport\s*\(?\s*["']https?:/);
    const styles = await harness.app.request('/console/assets/console.css');
    expect(styles.headers.get('content-type')).toMatch(/text\/css/);
    expect(await styles.text()).toContain('.card');
    const missing = await harness.app.request('/console/assets/other.js');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('still asks for a key on the API the page calls', async () => {
    expect((await harness.app.request('/approvals')).status).toBe(401);
  });

  it('points its assets and API at the mount prefix when mounted under another app', async () => {
    // Open mode: the parent app's own authentication would guard a mounted console's API.
    const open = await createTestHarness();
    const parent = new Hono().route('/agents', open.app);
    onTestFinished(() => open.close());
    const page = await (await parent.request('/agents/console')).text();
    expect(page).toContain('src="/agents/console/assets/console.js"');
    expect(page).toContain('data-api-base="/agents"');
    expect((await parent.request('/agents/console/assets/console.css')).status).toBe(200);
  });
});
