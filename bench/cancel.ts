/**
 * Cancel latency: how long from `POST .../cancel?wait=true` until the run has stopped, for a
 * run whose node is busy (a long sleep that listens to its AbortSignal). The target is
 * under 100 ms. Runs in-process against the real app over HTTP.
 *
 *   npm run bench:cancel
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../test/support/free-port.ts';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/index.ts';
import { createServices } from '../src/services.ts';

const samples = 30;
const dataDir = mkdtempSync(path.join(tmpdir(), 'overseer-bench-cancel-'));
const services = await createServices(
  loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production', LANGGRAPH_CONFIG: path.resolve(import.meta.dirname, '../test/fixtures/langgraph.json') }),
);
const port = await freePort();
const server = serve({ fetch: createApp(services).fetch, hostname: '127.0.0.1', port });
const url = `http://127.0.0.1:${port}`;
const post = async (route: string, body?: unknown) =>
  fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

const latencies: number[] = [];
try {
  for (let index = 0; index < samples; index += 1) {
    const thread = (await (await post('/threads', {})).json()) as { thread_id: string };
    const run = (await (await post(`/threads/${thread.thread_id}/runs`, { assistant_id: 'slow', input: { count: 1, delayMs: 60_000 } })).json()) as { run_id: string };
    // Let the run reach its sleeping node.
    for (;;) {
      const current = (await (await fetch(`${url}/threads/${thread.thread_id}/runs/${run.run_id}`)).json()) as { status: string };
      if (current.status === 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    const response = await post(`/threads/${thread.thread_id}/runs/${run.run_id}/cancel?wait=true`);
    latencies.push(performance.now() - started);
    if (response.status !== 204) throw new Error(`cancel answered ${response.status}`);
  }
} finally {
  server.close();
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
}
latencies.sort((left, right) => left - right);
const at = (fraction: number) => latencies[Math.min(latencies.length - 1, Math.floor(fraction * latencies.length))]!.toFixed(2);
console.log(`cancel with wait, ${samples} runs: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${latencies.at(-1)!.toFixed(2)} ms`);
