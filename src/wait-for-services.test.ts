import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../test/support/free-port.ts';
import { loadConfig } from './config.ts';
import { waitForServices } from './wait-for-services.ts';

/** A stand-in for Qdrant's `/readyz`: 503 for the first `unreadyAnswers` calls, then 200. */
async function startQdrantReadyz(unreadyAnswers: number) {
  const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const server: Server = createServer((request, response) => {
    seen.push({ path: request.url ?? '', headers: request.headers });
    const ready = request.url === '/readyz' && seen.length > unreadyAnswers;
    response.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'all shards are ready' : 'some shards are not ready');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('waitForServices', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('retries Qdrant\'s /readyz until it answers 200, one log line per failed attempt, with the API key', async () => {
    const qdrant = await startQdrantReadyz(2);
    cleanups.push(qdrant.close);
    const lines: string[] = [];
    const config = loadConfig({ QDRANT_URL: `${qdrant.url}/`, QDRANT_API_KEY: 'qdrant-key', STARTUP_WAIT_SECONDS: '30' });
    await waitForServices(config, { log: (line) => lines.push(line), initialDelayMs: 10 });
    expect(qdrant.seen.map((request) => request.path)).toEqual(['/readyz', '/readyz', '/readyz']);
    expect(qdrant.seen.every((request) => request.headers['api-key'] === 'qdrant-key')).toBe(true);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(`waiting for Qdrant at ${qdrant.url} (attempt 1: HTTP 503)`);
    expect(lines[1]).toContain('(attempt 2: HTTP 503)');
    expect(lines[2]).toContain(`Qdrant at ${qdrant.url} answered (attempt 3)`);
  });

  it('says nothing when every service answers at once, and waits for nothing without services', async () => {
    const qdrant = await startQdrantReadyz(0);
    cleanups.push(qdrant.close);
    const lines: string[] = [];
    await waitForServices(loadConfig({ QDRANT_URL: qdrant.url }), { log: (line) => lines.push(line) });
    await waitForServices(loadConfig({}), { log: (line) => lines.push(line) });
    expect(lines).toEqual([]);
    expect(qdrant.seen).toHaveLength(1);
  });

  it('gives up after STARTUP_WAIT_SECONDS with UPSTREAM_UNAVAILABLE naming the service and the last reason', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const config = loadConfig({ QDRANT_URL: `http://127.0.0.1:${port}`, STARTUP_WAIT_SECONDS: '1' });
    await expect(waitForServices(config, { log: (line) => lines.push(line), initialDelayMs: 50 })).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: expect.stringMatching(new RegExp(`^Qdrant at http://127\\.0\\.0\\.1:${port} did not answer within 1 s \\(STARTUP_WAIT_SECONDS; \\d+ attempts, last: connect ECONNREFUSED`)),
    });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((line) => line.includes('waiting for Qdrant'))).toBe(true);
  });

  it('tries once with STARTUP_WAIT_SECONDS=0', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const config = loadConfig({ REDIS_URL: `redis://127.0.0.1:${port}`, STARTUP_WAIT_SECONDS: '0' });
    await expect(waitForServices(config, { log: (line) => lines.push(line) })).rejects.toThrow(/Redis at .* did not answer within 0 s \(STARTUP_WAIT_SECONDS; 1 attempts/);
    expect(lines).toEqual([]);
  });
});
