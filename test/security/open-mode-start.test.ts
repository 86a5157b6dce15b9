import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { printed, startServer, stopServer, type ServerProcess } from '../support/server-process.ts';

/*
 * The server itself (`node src/server.ts`) on a non-loopback host: it refuses to start open (no
 * one asked who calls), and starts when langgraph.json's auth.path authenticates every caller.
 */
describe('starting on a non-loopback host', () => {
  const started: ServerProcess[] = [];
  const dataDirs: string[] = [];
  afterEach(async () => {
    for (const server of started.splice(0)) await stopServer(server);
    for (const directory of dataDirs.splice(0)) rmSync(directory, { recursive: true, force: true });
  });
  const start = async (environment: Record<string, string>) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'overseer-open-mode-'));
    dataDirs.push(dataDir);
    const server = startServer({ DATA_DIR: dataDir, HOST: '0.0.0.0', PORT: String(await freePort()), ...environment });
    started.push(server);
    return server;
  };

  it('refuses to start without keys, JWT or an authenticate handler', async () => {
    const server = await start({});
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toMatch(/^Overseer could not start: No API_KEYS, JWT_\* or langgraph.json auth.path authenticate handler is configured, so Overseer only listens on loopback; HOST=0.0.0.0 needs one of them/);
  }, 120_000);

  it('starts with langgraph.json auth.path authenticating callers, not in open mode, and refuses callers without its token', async () => {
    const server = await start({ LANGGRAPH_CONFIG: 'test/fixtures/interop/langgraph.auth.json' });
    await printed(server);
    expect(server.stdout()).not.toContain('open mode');
    const port = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(server.stdout())?.[1];
    const refused = await fetch(`http://127.0.0.1:${port}/threads/search`, { method: 'POST' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="overseer"');
    // Not open mode, so a local page's origin is not let in by CORS either.
    const preflight = await fetch(`http://127.0.0.1:${port}/threads/search`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  }, 120_000);
});
