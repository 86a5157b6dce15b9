/**
 * Streaming concurrency (issue #14 part 7b): N concurrent streaming runs of a scripted model
 * that emits a token every 50 ms for 10 s (bench/fixtures/paced-model-graph.ts `tokens`), so
 * 1,000 runs are 20,000 token events a second. Each run is a stateless `POST /runs/stream` with
 * `stream_mode: ["messages-tuple"]`, read by its own SSE connection. Every token carries its
 * index and the wall-clock time the model emitted it; the client counts tokens lost (and
 * duplicated) and the delay from emission to receipt. Peak RSS is sampled every 200 ms.
 *
 * Overseer runs as deployed for issue #14: one API process and one worker process on a private
 * redis-server (the worker's RUN_CONCURRENCY = N); `--embedded` runs one ROLE=all process on
 * SQLite instead. `langgraph dev` (in-memory, `--n-jobs-per-worker N`) takes the same load.
 * Limits: 0 lost, p99 delay under 50 ms, peak RSS under 1.5 GB; `--ramp` then searches the
 * largest count Overseer holds within them (multiples of 50, at most RUN_CONCURRENCY's 1,000).
 *
 *   npm run bench:streaming                       (1,000 runs on Overseer and on langgraph dev; ~2 minutes)
 *   npm run bench:streaming -- --ramp             (then the ramp; a few minutes more)
 *   npm run bench:streaming -- --server overseer --count 200 --embedded
 *
 * Runs start `--open-every` ms apart (default 1). Clients: one `node:http` request per run from this process (no SDK: 1,000 SDK clients parse
 * every event as JSON, which alone would take a core here); tokens are found in the raw SSE text
 * of `messages` events with a regular expression. The client shares the two cores with the
 * servers, so its own event-loop delay is part of the delay measured (printed: client CPU).
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../test/support/free-port.ts';
import { processUsage, samplePeakRss } from './support/process-usage.ts';
import { startOverseerCluster } from './support/start-overseer-cluster.ts';

const { values: options } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    tokens: { type: 'string', default: '200' },
    every: { type: 'string', default: '50' },
    server: { type: 'string' },
    embedded: { type: 'boolean', default: false },
    ramp: { type: 'boolean', default: false },
    'open-every': { type: 'string', default: '1' },
  },
});
const tokens = Number(options.tokens);
const tokenEveryMs = Number(options.every);
// Connections open this many ms apart (1,000 over a second): opened all at once, more than a listen
// backlog's 511 wait in SYN retransmits (1, 3, 7, 15, 31 s) while the API is busy accepting the rest.
const openEveryMs = Number(options['open-every']);
const limits = { lost: 0, p99Ms: 50, peakRssBytes: 1.5 * 1024 ** 3 };
const configPath = path.resolve(import.meta.dirname, 'fixtures/langgraph.json');
const now = () => performance.timeOrigin + performance.now();

interface StreamResult {
  /** When the run's first token arrived, ms after the request (how long it waited to start). */
  firstTokenMs?: number;
  received: number;
  duplicates: number;
  delays: number[];
  failure?: string;
}

/** One streamed run on its own connection; resolves when the stream ends or `deadline` passes. */
function streamRun(url: string, deadline: number): Promise<StreamResult> {
  const body = JSON.stringify({
    assistant_id: 'tokens',
    input: { messages: [{ role: 'user', content: 'stream' }], tokens, tokenEveryMs },
    stream_mode: ['messages-tuple'],
  });
  const target = new URL(`${url}/runs/stream`);
  const seen = new Uint8Array(tokens);
  const result: StreamResult = { received: 0, duplicates: 0, delays: [] };
  const requested = now();
  return new Promise((resolve) => {
    const request = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        if (response.statusCode !== 200) result.failure = `HTTP ${response.statusCode}`;
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          const at = now();
          buffer += chunk;
          const end = buffer.lastIndexOf('\n\n');
          if (end === -1) return;
          const complete = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          for (const event of complete.split('\n\n')) {
            if (!event.includes('event: messages')) {
              if (event.includes('event: error')) result.failure = event.slice(0, 200);
              continue;
            }
            // A token's text appears once in its chunk's event (content); the final message carries none.
            const match = /tok\|(\d+)\|([\d.]+)\|/.exec(event);
            if (!match) continue;
            const index = Number(match[1]);
            if (seen[index]) {
              result.duplicates += 1;
              continue;
            }
            seen[index] = 1;
            result.firstTokenMs ??= at - requested;
            result.received += 1;
            result.delays.push(at - Number(match[2]));
          }
        });
        response.on('end', () => {
          clearTimeout(timer);
          resolve(result);
        });
        response.on('error', (error) => {
          // A stream cut at the deadline reports 'aborted' here after the deadline's own reason.
          result.failure ??= String(error);
          resolve(result);
        });
      },
    );
    const timer = setTimeout(() => {
      result.failure = 'still streaming at the deadline';
      request.destroy();
      resolve(result);
    }, deadline - Date.now());
    request.on('error', (error) => {
      result.failure ??= String(error);
      clearTimeout(timer);
      resolve(result);
    });
    request.end(body);
  });
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

interface Server {
  name: string;
  url: string;
  /** Processes whose memory is the server's (and whose CPU is reported). */
  pids: number[];
  /** What its processes printed to stderr (the end of it), when streams failed. */
  errors(): string;
  stop(): Promise<void>;
}

async function startOverseer(count: number): Promise<Server> {
  const cluster = await startOverseerCluster({
    workers: options.embedded ? 0 : 1,
    environment: { RUN_CONCURRENCY: String(count), RUN_EVENT_BUFFER: String(Math.max(10_000, tokens * 2)), ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}) },
  });
  return {
    name: options.embedded ? 'overseer (embedded)' : 'overseer (API + worker)',
    url: cluster.url,
    pids: [cluster.api.child.pid!, ...cluster.workers.map((worker) => worker.child.pid!)],
    errors: () => [cluster.api, ...cluster.workers].map((node, index) => `${index === 0 ? 'API' : 'worker'} (exit ${node.child.exitCode ?? node.child.signalCode ?? 'running'}): ${node.stderr().slice(-1_500)}`).join('\n'),
    stop: () => cluster.stop(),
  };
}

async function startLanggraphDev(count: number): Promise<Server> {
  const port = await freePort();
  const child = spawn('npx', ['langgraphjs', 'dev', '--no-browser', '--port', String(port), '--host', '127.0.0.1', '--config', configPath, '--n-jobs-per-worker', String(count)], {
    cwd: path.dirname(configPath), detached: true, stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'error' },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      if ((await fetch(`${url}/ok`)).ok) break;
    } catch {
      if (attempt > 240) throw new Error('langgraph dev did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return {
    name: 'langgraph dev',
    url,
    pids: [child.pid!],
    errors: () => '',
    async stop() {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    },
  };
}

interface Trial {
  count: number;
  lost: number;
  duplicates: number;
  failed: number;
  p50: number;
  p99: number;
  max: number;
  peakRssBytes: number;
  serverCpuPercent: number;
  clientCpuPercent: number;
  tokensPerSecond: number;
  /** p99 of the time from a run's request to its first token (how long runs waited to start). */
  startP99Ms: number;
  holds: boolean;
}

async function trial(start: (count: number) => Promise<Server>, count: number): Promise<{ name: string; trial: Trial }> {
  const server = await start(count);
  try {
    // Warm-up: a few short runs so the first tokens do not pay for compilation.
    await Promise.all(Array.from({ length: 5 }, () => streamRun(server.url, Date.now() + 60_000)));
    const memory = server.pids.map((pid) => samplePeakRss(pid));
    const cpuBefore = server.pids.map((pid) => processUsage(pid).cpuMs);
    const clientBefore = process.cpuUsage();
    const started = performance.now();
    const deadline = Date.now() + tokens * tokenEveryMs + 60_000;
    const results = await Promise.all(Array.from({ length: count }, (_, index) =>
      new Promise((resolve) => setTimeout(resolve, index * openEveryMs)).then(() => streamRun(server.url, deadline))));
    const seconds = (performance.now() - started) / 1_000;
    const serverCpuMs = server.pids.reduce((sum, pid, index) => sum + processUsage(pid).cpuMs - cpuBefore[index]!, 0);
    const client = process.cpuUsage(clientBefore);
    const peakRssBytes = memory.reduce((sum, sampler) => sum + sampler.stop(), 0);
    const delays = new Float64Array(results.reduce((sum, result) => sum + result.delays.length, 0));
    let offset = 0;
    for (const result of results) {
      delays.set(result.delays, offset);
      offset += result.delays.length;
    }
    delays.sort();
    const received = results.reduce((sum, result) => sum + result.received, 0);
    const failures = results.filter((result) => result.failure);
    if (process.env.BENCH_DEBUG) {
      const starts = results.map((result) => result.firstTokenMs ?? Number.POSITIVE_INFINITY).sort((left, right) => left - right);
      console.log(`  first token ms by decile: ${[0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99].map((fraction) => starts[Math.floor(fraction * starts.length)]!.toFixed(0)).join(' ')}`);
    }
    if (failures.length > 0) {
      console.log(`  ${server.name}, ${count} runs: ${failures.length} streams failed, e.g. ${failures[0]!.failure}`);
      if (process.env.BENCH_DEBUG) console.log(server.errors());
    }
    const measured: Trial = {
      count,
      lost: count * tokens - received,
      duplicates: results.reduce((sum, result) => sum + result.duplicates, 0),
      failed: failures.length,
      p50: percentile(delays, 0.5),
      p99: percentile(delays, 0.99),
      max: delays.at(-1) ?? Number.NaN,
      peakRssBytes,
      serverCpuPercent: serverCpuMs / (seconds * 10),
      clientCpuPercent: (client.user + client.system) / 1_000 / (seconds * 10),
      tokensPerSecond: received / (tokens * tokenEveryMs / 1_000),
      startP99Ms: percentile(Float64Array.from(results.map((result) => result.firstTokenMs ?? Number.POSITIVE_INFINITY)).sort(), 0.99),
      holds: false,
    };
    measured.holds = measured.lost <= limits.lost && measured.failed === 0 && measured.p99 < limits.p99Ms && measured.peakRssBytes < limits.peakRssBytes;
    return { name: server.name, trial: measured };
  } finally {
    await server.stop();
  }
}

const megabytes = (bytes: number) => (bytes / 1024 ** 2).toFixed(0);
function print(name: string, result: Trial) {
  console.log(
    `${name.padEnd(24)} ${String(result.count).padStart(5)} ${String(result.lost).padStart(7)} ${String(result.duplicates).padStart(5)} ${result.p50.toFixed(1).padStart(8)} ${result.p99.toFixed(1).padStart(8)} ${result.max.toFixed(0).padStart(7)} ${megabytes(result.peakRssBytes).padStart(8)} ${result.serverCpuPercent.toFixed(0).padStart(9)} ${result.clientCpuPercent.toFixed(0).padStart(9)} ${result.tokensPerSecond.toFixed(0).padStart(9)} ${(result.startP99Ms / 1_000).toFixed(1).padStart(12)}  ${result.holds ? 'yes' : 'no'}`,
  );
}

const count = Number(options.count);
console.log(`${tokens} tokens ${tokenEveryMs} ms apart per run; limits: 0 lost, p99 < ${limits.p99Ms} ms, peak RSS < ${megabytes(limits.peakRssBytes)} MB`);
console.log('server                    runs    lost   dup  p50 ms   p99 ms  max ms  RSS MB  server CPU%  client CPU%  tokens/s  start p99 s  holds');
const servers = [['overseer', startOverseer], ['langgraph dev', startLanggraphDev]] as const;
for (const [name, start] of servers.filter(([name]) => !options.server || name.startsWith(options.server))) {
  const { name: label, trial: result } = await trial(start, count);
  print(label, result);
  if (name === 'overseer' && options.ramp) {
    // Largest multiple of 50 within the limits: halve the gap between what held and what did not.
    let held = result.holds ? count : 0;
    let failed = result.holds ? Math.min(1_001, count * 2) : count;
    while (failed - held > 50) {
      const next = Math.min(1_000, Math.round((held + failed) / 2 / 50) * 50);
      if (next <= held || next >= failed) break;
      const { trial: step } = await trial(start, next);
      print(`${label} ramp`, step);
      if (step.holds) held = next;
      else failed = next;
    }
    console.log(`largest count within the limits on this machine: ${held > 0 ? held : `under ${failed}`}`);
  }
}
