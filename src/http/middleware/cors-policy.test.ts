import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../app-env.ts';
import { corsPolicy } from './cors-policy.ts';

function appWith(openMode: boolean) {
  const app = new Hono<AppEnv>();
  app.use('*', corsPolicy({ origins: ['https://smith.langchain.com'], openMode }));
  app.post('/threads/search', (c) => c.json([]));
  return app;
}

function preflight(app: Hono<AppEnv>, origin: string, extra: Record<string, string> = {}) {
  return app.request('/threads/search', {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type', ...extra },
  });
}

describe('corsPolicy', () => {
  it('allows local front ends on any port in open mode', async () => {
    const app = appWith(true);
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:5173', 'http://[::1]:8080', 'http://localhost']) {
      const response = await preflight(app, origin);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    }
  });

  it('refuses local origins once authentication is configured, unless listed', async () => {
    const response = await preflight(appWith(false), 'http://localhost:3000');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const studio = await preflight(appWith(false), 'https://smith.langchain.com');
    expect(studio.headers.get('access-control-allow-origin')).toBe('https://smith.langchain.com');
  });

  it('never allows look-alike or remote origins, and never answers *', async () => {
    const app = appWith(true);
    for (const origin of ['http://localhost.evil.example', 'https://localhost:3000', 'http://127.0.0.1.nip.io:3000', 'https://evil.example', 'null']) {
      const response = await preflight(app, origin);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
    const simple = await app.request('/threads/search', { method: 'POST', headers: { origin: 'http://localhost:3000' } });
    expect(simple.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(simple.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('answers the Private Network Access preflight for allowed origins only', async () => {
    const app = appWith(true);
    const allowed = await preflight(app, 'https://smith.langchain.com', { 'access-control-request-private-network': 'true' });
    expect(allowed.headers.get('access-control-allow-private-network')).toBe('true');
    const refused = await preflight(app, 'https://evil.example', { 'access-control-request-private-network': 'true' });
    expect(refused.headers.get('access-control-allow-private-network')).toBeNull();
  });
});
