/**
 * Scale-out (issue #14 part 7a): an I/O-bound graph — one call of a scripted model that answers
 * after 200 ms (bench/fixtures/paced-model-graph.ts `answer`) — driven by 200 concurrent clients
 * against one API process, with 1, 2 and 4 worker processes on one private redis-server. Each
 * client posts stateless `POST /runs/wait` runs back to back. Prints runs/s, the speed-up over
 * one worker, latency, and the CPU each process used (of the two cores everything shares).
 *
 *   npm run bench:scale                                  (about two minutes)
 *   npm run bench:scale -- --workers 2 --runs 3000       (one configuration)
 *   --concurrency 16    each worker's RUN_CONCURRENCY (default: the service's default, 16)
 */
import http from 'node:http';
import { Redis } from 'ioredis';
import { parseArgs } from 'node:util';
import { processUsage } from './support/process-usage.ts';
import { startOverseerCluster } from './support/start-overseer-cluster.ts';

const { values: options } = parseArgs({
  options: {
    workers: { type: 'string' },
    clients: { type: 'string', default: '200' },
    runs: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
  },
});
const workerCounts = options.workers ? [Number(options.workers)] : [1, 2, 4];
const clients = Number(options.clients);
const runs = Number(options.runs);

// Sockets for every client at once; keep-alive so connection set-up is not what is measured.
const agent = new http.Agent({ keepAlive: true, maxSockets: clients + 8 });

let retried = 0;
function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        response.on('error', reject);
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed as the request went out (Node's documented race): send again.
      if (request.reusedSocket && error.code === 'ECONNRESET') {
        retried += 1;
        post(url, body).then(resolve, reject);
      } else reject(error);
    });
    request.end(body);
  });
}

const body = JSON.stringify({ assistant_id: 'answer', input: { messages: [{ role: 'user', content: 'hello' }] } });
async function oneRun(url: string): Promise<number> {
  const started = performance.now();
  const response = await post(`${url}/runs/wait`, body);
  if (response.status !== 200 || !response.text.includes('Done.')) throw new Error(`run failed: HTTP ${response.status} ${response.text.slice(0, 300)}`);
  return performance.now() - started;
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/** `count` runs by `clients` concurrent clients; runs/s over the whole batch. */
async function drive(url: string, count: number) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < count) {
      next += 1;
      latencies.push(await oneRun(url));
    }
  }));
  return { seconds: (performance.now() - started) / 1_000, latencies };
}

const format = (value: number, digits = 1) => value.toFixed(digits);
console.log(`${clients} clients, stateless POST /runs/wait of a model answering after 200 ms; RUN_CONCURRENCY=${options.concurrency} per worker`);
console.log('workers   runs   runs/s  speed-up   p50 ms   p99 ms   CPU % of one core: API / each worker / redis-server');
let baseline: number | undefined;
for (const workers of workerCounts) {
  const cluster = await startOverseerCluster({ workers, environment: { RUN_CONCURRENCY: options.concurrency } });
  try {
    await drive(cluster.url, clients); // warm-up: every client once (connections, JIT, BullMQ workers)
    const pids = [cluster.api.child.pid!, ...cluster.workers.map((worker) => worker.child.pid!)];
    pids.push(cluster.redis!.pid);
    const redis = new Redis(cluster.redis!.url);
    const commandsBefore = commandCounts(await redis.info('commandstats'));
    const before = pids.map((pid) => processUsage(pid).cpuMs);
    const result = await drive(cluster.url, runs);
    // CPU ms per second of wall time / 10 = percent of one core.
    const cpu = pids.map((pid, index) => (processUsage(pid).cpuMs - before[index]!) / (result.seconds * 10));
    const runsPerSecond = runs / result.seconds;
    const commands = commandCounts(await redis.info('commandstats'));
    redis.disconnect();
    const perRun = [...commands].map(([name, calls]) => [name, (calls - (commandsBefore.get(name) ?? 0)) / runs] as const)
      .filter(([, calls]) => calls > 0).sort((left, right) => right[1] - left[1]);
    baseline ??= runsPerSecond;
    console.log(
      `${String(workers).padStart(7)} ${String(runs).padStart(6)} ${format(runsPerSecond).padStart(8)} ${`${format(runsPerSecond / baseline, 2)}x`.padStart(9)} ${format(percentile(result.latencies, 0.5)).padStart(8)} ${format(percentile(result.latencies, 0.99)).padStart(8)}   ${format(cpu[0]!, 0)} / ${cpu.slice(1, -1).map((share) => format(share, 0)).join(', ')} / ${format(cpu.at(-1)!, 0)}`,
    );
    // Where a run's Redis round trips go (a script's calls count once, as EVAL/EVALSHA).
    console.log(`        Redis commands per run: ${perRun.reduce((sum, [, calls]) => sum + calls, 0).toFixed(1)} (${perRun.slice(0, 8).map(([name, calls]) => `${name} ${calls.toFixed(1)}`).join(', ')})`);
  } catch (error) {
    console.log(`failed with ${workers} workers: ${String(error)}\nAPI process: ${cluster.api.stderr().slice(-2_000)}`);
    throw error;
  } finally {
    await cluster.stop();
  }
}
agent.destroy();
if (retried > 0) console.log(`${retried} requests sent again after the server closed their kept-alive socket`);

/** Calls per command from `INFO commandstats`. */
function commandCounts(info: string): Map<string, number> {
  return new Map([...info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)].map((match) => [match[1]!, Number(match[2])]));
}
