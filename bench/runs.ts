/**
 * Runs throughput and latency: the same trivial two-node graph (bench/fixtures/langgraph.json)
 * on Overseer (embedded SQLite checkpointer) and on the official in-memory `langgraph dev`
 * server, at 1 and 20 concurrent clients. Each run is a stateless `POST /runs/stream`; time
 * to first event is when the first SSE event arrives, latency is when the stream ends.
 *
 *   npm run bench:runs            (about a minute)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/index.ts';
import { createServices } from '../src/services.ts';

const configPath = path.resolve(import.meta.dirname, 'fixtures/langgraph.json');
const scenarios = [
  { concurrency: 1, runs: 200 },
  { concurrency: 20, runs: 1_000 },
];

interface Sample {
  firstEventMs: number;
  totalMs: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function oneRun(url: string): Promise<Sample> {
  const started = performance.now();
  const response = await fetch(`${url}/runs/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ assistant_id: 'trivial', input: { text: 'hello' }, stream_mode: ['values'] }),
  });
  if (!response.ok || !response.body) throw new Error(`run failed: HTTP ${response.status}`);
  let firstEventMs = 0;
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    text += decoder.decode(chunk as Uint8Array, { stream: true });
    if (!firstEventMs && text.includes('\n\n')) firstEventMs = performance.now() - started;
  }
  if (!text.includes('HELLO!')) throw new Error(`unexpected stream: ${text.slice(0, 200)}`);
  return { firstEventMs, totalMs: performance.now() - started };
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

async function measure(url: string, concurrency: number, runs: number) {
  for (let warmup = 0; warmup < 20; warmup += 1) await oneRun(url);
  const samples: Sample[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < runs) {
        next += 1;
        samples.push(await oneRun(url));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  return {
    runsPerSecond: samples.length / seconds,
    p50: percentile(samples.map((sample) => sample.totalMs), 0.5),
    p99: percentile(samples.map((sample) => sample.totalMs), 0.99),
    firstEventP50: percentile(samples.map((sample) => sample.firstEventMs), 0.5),
  };
}

async function startOverseer() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'overseer-bench-runs-'));
  const services = await createServices(loadConfig({ DATA_DIR: dataDir, LANGGRAPH_CONFIG: configPath, NODE_ENV: 'production' }));
  const app = createApp(services);
  const port = await freePort();
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      server.close();
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startAnchor() {
  const port = await freePort();
  const child = spawn('npx', ['langgraphjs', 'dev', '--no-browser', '--port', String(port), '--host', '127.0.0.1', '--config', configPath], {
    cwd: path.dirname(configPath),
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, LOG_LEVEL: 'error' },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 240; attempt += 1) {
    try {
      if ((await fetch(`${url}/ok`)).ok) break;
    } catch {
      // still starting
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return {
    url,
    async stop() {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}

const format = (value: number) => value.toFixed(value < 10 ? 2 : 1);
const overseer = await startOverseer();
const anchor = await startAnchor();
try {
  console.log('server          clients  runs   runs/s    p50 ms   p99 ms   first event p50 ms');
  const results: Record<string, Record<number, Awaited<ReturnType<typeof measure>>>> = { overseer: {}, 'langgraph dev': {} };
  for (const { concurrency, runs } of scenarios) {
    for (const [name, target] of [['overseer', overseer], ['langgraph dev', anchor]] as const) {
      const result = await measure(target.url, concurrency, name === 'overseer' ? runs : Math.min(runs, 300));
      results[name]![concurrency] = result;
      console.log(
        `${name.padEnd(15)} ${String(concurrency).padStart(7)} ${String(name === 'overseer' ? runs : Math.min(runs, 300)).padStart(5)} ${format(result.runsPerSecond).padStart(8)} ${format(result.p50).padStart(9)} ${format(result.p99).padStart(8)} ${format(result.firstEventP50).padStart(12)}`,
      );
    }
  }
  for (const { concurrency } of scenarios) {
    const ours = results.overseer![concurrency]!;
    const theirs = results['langgraph dev']![concurrency]!;
    console.log(
      `concurrency ${concurrency}: throughput ${format(ours.runsPerSecond / theirs.runsPerSecond)}x, p50 latency ${format(theirs.p50 / ours.p50)}x lower`,
    );
  }
} finally {
  await overseer.stop();
  await anchor.stop();
}
