/**
 * Runs throughput and latency: the same trivial two-node graph (bench/fixtures/langgraph.json)
 * on Overseer (embedded SQLite checkpointer) and on the official in-memory `langgraph dev`
 * server, at 1 and 20 concurrent clients. Each run is a stateless `POST /runs/stream`; time
 * to first event is when the first SSE event arrives, latency is when the stream ends.
 * Runs go stateless (no checkpoints, as the LangGraph API runs them) and on threads (each
 * client has its own thread, so every run is checkpointed in SQLite and its history grows).
 *
 * Each row also gives the server's CPU per run (its main thread, and the whole process tree with
 * GC helpers and worker threads, from /proc), and at the end the same graph on LangGraph alone
 * in this process (`bench:graph-floor`'s floor, measured in this run): Overseer's main-thread
 * CPU per run over the floor's, a ratio that does not move with the machine's speed as much.
 *
 *   npm run bench:runs            (about four minutes)
 *   npm run bench:runs -- --server overseer --kind thread   (one server, one kind: for profiling)
 *   BENCH_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/profiles" npm run bench:runs -- …   (the server profiled)
 *   npm run bench:runs -- --tracing [--rounds 2]   (Overseer with tracing off, then on, alternating for each round:
 *                                                  OTLP/HTTP protobuf to a receiver in this process; medians over the rounds)
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../test/support/free-port.ts';
import { startOtlpReceiver } from '../test/support/otlp-receiver.ts';
import { measureGraphFloor } from './support/measure-graph-floor.ts';
import { mainThreadCpuMs, processUsage } from './support/process-usage.ts';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: only } = parseArgs({ options: { server: { type: 'string' }, kind: { type: 'string' }, tracing: { type: 'boolean' }, rounds: { type: 'string' } } });

const configPath = path.resolve(import.meta.dirname, 'fixtures/langgraph.json');
const scenarios = [
  { concurrency: 1, runs: 200 },
  { concurrency: 20, runs: 1_000 },
];

interface Sample {
  firstEventMs: number;
  totalMs: number;
}


type Kind = 'stateless' | 'thread';

// The load generator shares the two cores with the server under test, so it is kept light:
// node:http with keep-alive costs about a third of the CPU per run that fetch does here
// (measured 0.27 vs 0.78 ms per run at 20 clients), and both servers get the same client.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** POST a JSON body; `onChunk` sees the response text as it arrives. */
function post(url: string, body: string, onChunk?: (text: string) => void): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
          onChunk?.(text);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function newThread(url: string): Promise<string> {
  return (JSON.parse((await post(`${url}/threads`, '{}')).text) as { thread_id: string }).thread_id;
}

/** One streamed run: stateless, or on the client's own thread (checkpointed, history grows). */
async function oneRun(url: string, threadId?: string): Promise<Sample> {
  const started = performance.now();
  let firstEventMs = 0;
  const body = JSON.stringify({ assistant_id: 'trivial', input: { text: 'hello' }, stream_mode: ['values'] });
  const response = await post(`${url}${threadId ? `/threads/${threadId}` : ''}/runs/stream`, body, (text) => {
    if (!firstEventMs && text.includes('\n\n')) firstEventMs = performance.now() - started;
  });
  if (response.status !== 200) throw new Error(`run failed: HTTP ${response.status}`);
  if (!response.text.includes('HELLO!')) throw new Error(`unexpected stream: ${response.text.slice(0, 200)}`);
  return { firstEventMs, totalMs: performance.now() - started };
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/** `pid`: the server's process (its tree's CPU is counted); `serverThread`: whether `pid` is the Node process serving (npx is not). */
async function measure(url: string, pid: number, serverThread: boolean, kind: Kind, concurrency: number, runs: number) {
  const warmupThread = kind === 'thread' ? await newThread(url) : undefined;
  for (let warmup = 0; warmup < 20; warmup += 1) await oneRun(url, warmupThread);
  const threads = await Promise.all(Array.from({ length: concurrency }, () => (kind === 'thread' ? newThread(url) : undefined)));
  const samples: Sample[] = [];
  let next = 0;
  const [threadBefore, processBefore] = [mainThreadCpuMs(pid), processUsage(pid).cpuMs];
  const started = performance.now();
  await Promise.all(
    threads.map(async (threadId) => {
      while (next < runs) {
        next += 1;
        samples.push(await oneRun(url, threadId));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  const [threadCpu, processCpu] = [mainThreadCpuMs(pid) - threadBefore, processUsage(pid).cpuMs - processBefore];
  return {
    serverCpuMsPerRun: serverThread ? threadCpu / samples.length : Number.NaN,
    serverProcessCpuMsPerRun: processCpu / samples.length,
    runsPerSecond: samples.length / seconds,
    p50: percentile(samples.map((sample) => sample.totalMs), 0.5),
    p99: percentile(samples.map((sample) => sample.totalMs), 0.99),
    firstEventP50: percentile(samples.map((sample) => sample.firstEventMs), 0.5),
  };
}

/** Start a server command as its own process group and wait until `/ok` answers. */
async function startProcess(command: string, args: string[], options: { cwd: string; env: Record<string, string | undefined>; port: number }) {
  const child = spawn(command, args, { cwd: options.cwd, detached: true, stdio: 'ignore', env: { ...process.env, ...options.env } });
  const url = `http://127.0.0.1:${options.port}`;
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
    pid: child.pid!,
    async stop() {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    },
  };
}

// Each server runs in its own process, like the anchor, and only one runs at a time, so the
// load generator and the other server never compete with it for the two cores.
async function startOverseer(environment: Record<string, string> = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'overseer-bench-runs-'));
  const port = await freePort();
  const server = await startProcess(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: path.resolve(import.meta.dirname, '..'),
    port,
    env: {
      DATA_DIR: dataDir, LANGGRAPH_CONFIG: configPath, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', OPENAI_API_KEY: '', REDIS_URL: '',
      // e.g. BENCH_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/profiles" to profile the server (bench/support/summarize-cpu-profile.ts reads it).
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
      // Tracing stays off unless a row asks for it (`--tracing`), whatever this shell exports.
      OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '', OTEL_TRACES_EXPORTER: '',
      ...environment,
    },
  });
  return {
    url: server.url,
    pid: server.pid,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startAnchor() {
  const port = await freePort();
  return startProcess('npx', ['langgraphjs', 'dev', '--no-browser', '--port', String(port), '--host', '127.0.0.1', '--config', configPath], {
    cwd: path.dirname(configPath),
    port,
    env: { LOG_LEVEL: 'error' },
  });
}

const format = (value: number) => value.toFixed(value < 10 ? 2 : 1);
type Result = Awaited<ReturnType<typeof measure>>;
const results: Record<string, Record<string, Result>> = { overseer: {}, 'langgraph dev': {}, 'overseer traced': {} };
// `--tracing`: the receiver the traced server exports to (it keeps the bodies; they are decoded once the runs are done).
const receiver = only.tracing ? await startOtlpReceiver({ keepBodies: true }) : undefined;
const kinds = (['stateless', 'thread'] as Kind[]).filter((kind) => !only.kind || kind === only.kind);
const allServers = [
  ['overseer', startOverseer, 1] as const,
  // The anchor manages ~2 runs/s at one client: fewer runs keep the bench short.
  ['langgraph dev', startAnchor, 0.3] as const,
];
// Off and on alternate, so a machine whose load drifts during the bench weighs on both alike.
const rounds = Math.max(1, Number(only.rounds ?? 1));
const rows: Record<string, Result[]> = {};
const servers = only.tracing
  ? Array.from({ length: rounds }, () => [
    ['overseer', () => startOverseer(), 1] as const,
    ['overseer traced', () => startOverseer({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver!.url, OTEL_SERVICE_NAME: 'overseer-bench' }), 1] as const,
  ]).flat()
  : allServers.filter(([name]) => !only.server || name.startsWith(only.server));
console.log('server          runs on    clients  runs   runs/s    p50 ms   p99 ms   first event p50 ms   server CPU ms/run: main thread / process');
for (const [name, start, share] of servers) {
  const server = await start();
  try {
    for (const kind of kinds) for (const { concurrency, runs } of scenarios) {
      const count = Math.max(50, Math.round(runs * share));
      // langgraph dev runs below npx: only its process tree's CPU is known.
      const result = await measure(server.url, server.pid, name.startsWith('overseer'), kind, concurrency, count);
      results[name]![`${kind}/${concurrency}`] = result;
      (rows[`${name} ${kind}/${concurrency}`] ??= []).push(result);
      console.log(
        `${name.padEnd(15)} ${kind.padEnd(9)} ${String(concurrency).padStart(7)} ${String(count).padStart(5)} ${format(result.runsPerSecond).padStart(8)} ${format(result.p50).padStart(9)} ${format(result.p99).padStart(8)} ${format(result.firstEventP50).padStart(12)} ${(Number.isNaN(result.serverCpuMsPerRun) ? '-' : result.serverCpuMsPerRun.toFixed(2)).padStart(18)} / ${result.serverProcessCpuMsPerRun.toFixed(2)}`,
      );
    }
  } finally {
    await server.stop();
  }
}
agent.destroy();
if (receiver) {
  const spans = receiver.decode();
  const median = (values: number[]) => {
    const sorted = [...values].sort((left, right) => left - right);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  };
  const medianOf = (key: string): Result | undefined => {
    const measured = rows[key];
    if (!measured) return undefined;
    return Object.fromEntries(Object.keys(measured[0]!).map((field) => [field, median(measured.map((result) => result[field as keyof Result]))])) as unknown as Result;
  };
  if (rounds > 1) console.log(`medians over ${rounds} rounds:`);
  for (const kind of kinds) for (const { concurrency } of scenarios) {
    const off = medianOf(`overseer ${kind}/${concurrency}`);
    const on = medianOf(`overseer traced ${kind}/${concurrency}`);
    if (!off || !on) continue;
    const change = (before: number, after: number) => `${after >= before ? '+' : ''}${(((after - before) / before) * 100).toFixed(1)}%`;
    console.log(
      `tracing on, ${kind} runs, concurrency ${concurrency}: throughput ${change(off.runsPerSecond, on.runsPerSecond)}, p50 latency ${change(off.p50, on.p50)}, server CPU per run (main thread) ${change(off.serverCpuMsPerRun, on.serverCpuMsPerRun)}`,
    );
  }
  console.log(`the receiver got ${receiver.contentTypes.length} OTLP/HTTP exports (${receiver.contentTypes[0] ?? 'none'}) with ${spans.length} spans, ${spans.filter((span) => span.name === 'invoke_agent trivial').length} of them runs (invoke_agent trivial)`);
  await receiver.close();
  process.exit(0);
}
for (const kind of kinds) for (const { concurrency } of scenarios) {
  const ours = results.overseer![`${kind}/${concurrency}`];
  const theirs = results['langgraph dev']![`${kind}/${concurrency}`];
  if (!ours || !theirs) continue;
  console.log(
    `${kind} runs, concurrency ${concurrency}: throughput ${format(ours.runsPerSecond / theirs.runsPerSecond)}x, p50 latency ${format(theirs.p50 / ours.p50)}x lower`,
  );
}

// The floor, in this run: LangGraph alone, in this process (the servers are stopped by now).
const floor = await measureGraphFloor({ kinds });
console.log('\nLangGraph alone in-process (bench:graph-floor)   callers   runs/s   CPU ms/run   Overseer main thread CPU ms/run   over the floor');
for (const row of floor) {
  const ours = results.overseer![`${row.kind}/${row.callers}`];
  const label = row.kind === 'stateless' ? 'without checkpointer' : 'SQLite checkpointer, on threads';
  console.log(
    `${label.padEnd(48)} ${String(row.callers).padStart(7)} ${format(row.runsPerSecond).padStart(8)} ${row.cpuMsPerRun.toFixed(3).padStart(12)} ${(ours ? ours.serverCpuMsPerRun.toFixed(3) : '-').padStart(33)} ${(ours ? `${(ours.serverCpuMsPerRun / row.cpuMsPerRun).toFixed(2)}x` : '-').padStart(14)}`,
  );
}
