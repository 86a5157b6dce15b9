/**
 * Tracing's cost on whole runs without a network in between: the service built in this process
 * (bench/fixtures/langgraph.json's trivial graph, SQLite), 2,000 streamed stateless runs through
 * the Hono app's `app.request` by 10 callers, each with a caller `traceparent`, and this process's
 * CPU per run — its main thread, and the whole process (GC helpers, the SQLite WAL worker and,
 * traced, the span export worker) — with tracing `off` or `on` (the service's own set-up: batch
 * processor, OTLP/HTTP protobuf encoded and sent from its worker thread to a receiver in a child
 * process that drops what it gets). One mode per process, so the global tracer starts clean;
 * alternate them to see the spread:
 *
 *   for mode in off on off on off on; do npx tsx bench/tracing-in-process.ts $mode; done
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/index.ts';
import { createServices } from '../src/services.ts';

const mode = process.argv[2] === 'on' ? 'on' : 'off';
// The receiver runs in its own process, so what it does is not counted here.
// It prints its port, then, when asked on stdin, how many exports and bytes it got.
const receiver = spawn(process.execPath, ['-e', `
  let exports = 0, bytes = 0;
  const server = require('node:http').createServer((request, response) => {
    request.on('data', (chunk) => { bytes += chunk.length; });
    request.on('end', () => { exports += 1; response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(); });
  });
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
  process.stdin.on('data', () => console.log(exports + ' exports, ' + bytes + ' bytes'));
`], { stdio: ['pipe', 'pipe', 'inherit'] });
const receiverLines = createInterface({ input: receiver.stdout! })[Symbol.asyncIterator]();
const receiverPort = (await receiverLines.next()).value as string;
const dataDir = mkdtempSync(path.join(tmpdir(), 'overseer-bench-tracing-'));
const config = loadConfig({
  NODE_ENV: 'production', DATA_DIR: dataDir, LOG_LEVEL: 'silent', LANGGRAPH_CONFIG: path.resolve(import.meta.dirname, 'fixtures/langgraph.json'),
  ...(mode === 'on' ? { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}` } : {}),
});
const services = await createServices(config);
if (services.tracing.enabled !== (mode === 'on')) throw new Error(`tracing should be ${mode}`);
const app = createApp(services);
const body = JSON.stringify({ assistant_id: 'trivial', input: { text: 'hello' }, stream_mode: ['values'] });
const headers = { 'content-type': 'application/json', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };

async function runs(count: number, callers = 10): Promise<void> {
  await Promise.all(Array.from({ length: callers }, async () => {
    for (let index = 0; index < count / callers; index += 1) {
      const response = await app.request('/runs/stream', { method: 'POST', headers, body });
      if (!(await response.text()).includes('HELLO!')) throw new Error('unexpected stream');
    }
  }));
}

await runs(300);
const count = 2_000;
const [before, threadBefore] = [process.cpuUsage(), process.threadCpuUsage()];
await runs(count);
await services.tracing.forceFlush();
const [used, threadUsed] = [process.cpuUsage(before), process.threadCpuUsage(threadBefore)];
const perRun = (usage: NodeJS.CpuUsage) => ((usage.user + usage.system) / 1_000 / count).toFixed(3);
receiver.stdin!.write('\n');
const received = (await receiverLines.next()).value as string;
console.log(`tracing ${mode}: ${perRun(threadUsed)} ms CPU per run on the main thread, ${perRun(used)} in the process (${count} runs, 10 callers; the receiver got ${received})`);
await services.close();
receiver.kill();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
