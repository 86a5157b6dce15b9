/**
 * The crash trial of issue #14, repeated: mixed runs (policy questions, refunds under $500,
 * refunds above $500 that a manager approves through `POST /approvals/{id}`) while the server is
 * killed with `kill -9` at random moments and started again. No client ever sends a
 * hand-written `command.resume`. At the end it prints how many runs completed, duplicate effects
 * (refund rows per order beyond one), approvals stranded, runs that ended `error`, and how long
 * an interrupted run took to resume (from the kill to its next attempt's `run.started`).
 *
 *   npm run bench:crash-trial                          (embedded: one server, 60 runs, 5 kills)
 *   npm run bench:crash-trial -- --runs 300 --kills 17 (the issue's trial)
 *   npm run bench:crash-trial -- --redis --kills 50    (one API and two workers on a private redis-server; a worker is killed)
 *   --model offline                                    (the offline model instead of the stand-in)
 *
 * By default the model is the policy-following stand-in (`test/support/policy-following-model`)
 * writing its replies a token every 20 ms, so runs last a few seconds like real ones and a kill
 * finds some mid-run; the offline model answers in milliseconds and few runs are caught.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/storage/index.ts';
import { freePort } from '../test/support/free-port.ts';
import type { ChatBehaviour } from '../test/support/openai-compatible-server.ts';
import { startPolicyFollowingModel, type PolicyFollowingServer } from '../test/support/openai-scenarios.ts';
import { createPolicyFollowingModel } from '../test/support/policy-following-model/index.ts';
import { startRedisTestServer, type RedisTestServer } from '../test/support/redis-test-server.ts';
import { printed, startServer, type ServerProcess } from '../test/support/server-process.ts';
import { addTrialOrders } from './fixtures/crash-trial-orders.ts';

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '60' },
    kills: { type: 'string' },
    redis: { type: 'boolean', default: false },
    model: { type: 'string', default: 'scripted' },
    seed: { type: 'string' },
  },
});
const runCount = Number(options.runs);
const killCount = Number(options.kills ?? (options.redis ? '10' : '5'));
const distributed = options.redis;

// Reproducible kill moments and task order when --seed is given.
let seed = Number(options.seed ?? Date.now() % 100_000);
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

const keys = { agent: 'trial-agent-0123456789', manager: 'trial-manager-0123456789' };
const apiKeys = JSON.stringify([
  { key: keys.agent, tenant: 'default', scopes: ['runs:*', 'threads:*', 'assistants:read', 'orders:read', 'orders:write', 'refunds:write', 'credits:write'], name: 'support-agent' },
  { key: keys.manager, tenant: 'default', scopes: ['*'], name: 'support-manager' },
]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the world: orders, model, processes ----------------------------------------------------

type Kind = 'question' | 'refund' | 'approval';
interface Task {
  kind: Kind;
  threadId: string;
  message: string;
  orderId?: number;
  runId?: string;
  approvalId?: string;
  approved?: boolean;
  /** Its thread ended without waiting for an approval (the run failed or was refused): nothing to decide. */
  undecidable?: boolean;
}

const questions = [
  'What is the refund policy for late deliveries?',
  'How long do refunds to a card take?',
  'Can I return an opened kitchen item?',
  'What happens if my package arrives damaged?',
];
const kinds: Kind[] = Array.from({ length: runCount }, (_, index) => (['question', 'refund', 'approval'] as const)[index % 3]!);
const workerDir = mkdtempSync(path.join(tmpdir(), 'overseer-crash-trial-'));
const ordersFile = path.join(workerDir, 'overseer.db');
const database = openDatabase(ordersFile);
const trialOrders = addTrialOrders(database, { above: kinds.filter((kind) => kind === 'approval').length, below: kinds.filter((kind) => kind === 'refund').length });
database.close();
const tasks: Task[] = kinds.map((kind, index) => {
  const threadId = randomUUID();
  if (kind === 'question') return { kind, threadId, message: questions[index % questions.length]! };
  const orderId = (kind === 'refund' ? trialOrders.below : trialOrders.above).shift()!;
  return { kind, threadId, orderId, message: `Please refund order ${orderId} because it arrived late.` };
});

let model: PolicyFollowingServer | undefined;
if (options.model !== 'offline') {
  model = await startPolicyFollowingModel();
  const competent = createPolicyFollowingModel();
  model.otherwise('*', (request): ChatBehaviour => {
    const behaviour = competent(request);
    return behaviour.kind === 'text' ? { ...behaviour, tokenDelayMs: 20 } : behaviour;
  });
}
let redis: RedisTestServer | undefined;
if (distributed) redis = await startRedisTestServer();

interface Node {
  role: 'all' | 'api' | 'worker';
  port: number;
  dataDir: string;
  process?: ServerProcess;
}
const environmentOf = (node: Node): Record<string, string> => ({
  PORT: String(node.port), DATA_DIR: node.dataDir, API_KEYS: apiKeys, LANGGRAPH_CONFIG: '', LOG_LEVEL: 'error',
  APPROVAL_SWEEP_SECONDS: '2',
  ...(model ? model.environment : {}),
  ...(distributed ? { ROLE: node.role, REDIS_URL: redis!.url, REDIS_KEY_PREFIX: 'trial:', RUN_LEASE_MS: '2000' } : {}),
});
async function start(node: Node): Promise<void> {
  node.process = startServer(environmentOf(node));
  await printed(node.process);
}
const apiNode: Node = { role: distributed ? 'api' : 'all', port: await freePort(), dataDir: distributed ? mkdtempSync(path.join(tmpdir(), 'overseer-trial-api-')) : workerDir };
// Embedded: the one server executes. Redis: two workers share the orders file, as workers of one business system do.
const workerNodes: Node[] = distributed
  ? [{ role: 'worker', port: await freePort(), dataDir: workerDir }, { role: 'worker', port: await freePort(), dataDir: workerDir }]
  : [];
await start(apiNode);
for (const worker of workerNodes) await start(worker);
const url = `http://127.0.0.1:${apiNode.port}`;

// ---- the client: every call retried while the server is down --------------------------------

async function call(method: string, route: string, key: string, body?: unknown): Promise<{ status: number; json: any }> {
  for (;;) {
    try {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      if (response.status >= 500 && response.status !== 503) throw new Error(`${response.status} ${text}`);
      if (response.status === 503) throw new Error('unavailable');
      return { status: response.status, json: text ? JSON.parse(text) : null };
    } catch {
      await sleep(100);
    }
  }
}

async function launch(task: Task): Promise<void> {
  await call('POST', '/threads', keys.agent, { thread_id: task.threadId, if_exists: 'do_nothing' });
  for (;;) {
    // A create whose answer was lost in a kill may have been accepted: adopt it rather than ask twice.
    const existing = await call('GET', `/threads/${task.threadId}/runs?limit=1`, keys.agent);
    if (Array.isArray(existing.json) && existing.json.length > 0) {
      task.runId = existing.json.at(-1).run_id;
      return;
    }
    const created = await call('POST', `/threads/${task.threadId}/runs`, keys.agent, {
      assistant_id: 'supervisor', input: { messages: [{ role: 'user', content: task.message }] }, multitask_strategy: 'reject',
    });
    if (created.status === 200) {
      task.runId = created.json.run_id;
      return;
    }
  }
}

/** The manager approves each refund that waits for approval, once; a lost answer is checked, never resent blindly. */
async function approve(task: Task): Promise<void> {
  const thread = await call('GET', `/threads/${task.threadId}`, keys.manager);
  const interrupts = Object.values((thread.json?.interrupts ?? {}) as Record<string, Array<{ value?: { approvalId?: string } }>>).flat();
  const approvalId = interrupts.map((interrupt) => interrupt.value?.approvalId).find((id) => id !== undefined);
  if (thread.json?.status === 'idle' || thread.json?.status === 'error') task.undecidable = !approvalId;
  if (thread.json?.status !== 'interrupted' || !approvalId) return;
  task.approvalId = approvalId;
  const decided = await call('POST', `/approvals/${approvalId}`, keys.manager, { decision: 'approve' });
  // 409: decided already (an answer lost in a kill), or the thread is running its resume.
  if (decided.status === 200 || decided.status === 409) task.approved = true;
}

// ---- the trial ---------------------------------------------------------------------------------

const startedAt = Date.now();
const kills: number[] = [];
const restarts: number[] = [];
let launching = true;
const launches: Array<Promise<void>> = [];
const launcher = (async () => {
  for (const task of tasks) {
    launches.push(launch(task));
    await sleep(50 + random() * 150);
  }
  await Promise.all(launches);
  launching = false;
})();
const approver = (async () => {
  const waiting = (task: Task) => task.kind === 'approval' && !task.approved && !task.undecidable;
  while (launching || tasks.some(waiting)) {
    for (const task of tasks) if (waiting(task) && task.runId) await approve(task);
    await sleep(200);
    if (Date.now() - startedAt > 600_000) break;
  }
})();
for (let kill = 0; kill < killCount; kill += 1) {
  await sleep(500 + random() * 2_500);
  const victim = distributed ? workerNodes[Math.floor(random() * workerNodes.length)]! : apiNode;
  victim.process!.child.kill('SIGKILL');
  await victim.process!.exited;
  kills.push(Date.now());
  await start(victim);
  restarts.push(Date.now() - kills.at(-1)!);
}
await launcher;
await approver;

// Until every run has settled (or ten minutes pass).
const settleDeadline = Date.now() + 600_000;
const finalThreads = new Map<string, { status: string }>();
for (;;) {
  let unsettled = 0;
  for (const task of tasks) {
    const thread = (await call('GET', `/threads/${task.threadId}`, keys.manager)).json as { status: string };
    finalThreads.set(task.threadId, thread);
    if (thread.status === 'busy' || (thread.status === 'interrupted' && task.kind !== 'approval') || (task.kind === 'approval' && thread.status === 'interrupted' && task.approved)) unsettled += 1;
  }
  if (unsettled === 0 || Date.now() > settleDeadline) break;
  await sleep(500);
}
const elapsedMs = Date.now() - startedAt;

// ---- figures -----------------------------------------------------------------------------------

const audit = new Map<string, Array<{ type: string; at: string; runId?: string; data: Record<string, unknown> }>>();
for (const task of tasks) audit.set(task.threadId, (await call('GET', `/audit?thread_id=${task.threadId}&limit=1000`, keys.manager)).json);
let completed = 0;
const errors: string[] = [];
for (const task of tasks) {
  const runs = (await call('GET', `/threads/${task.threadId}/runs?limit=100`, keys.manager)).json as Array<{ status: string; error?: { code: string; message: string } | null }>;
  const thread = finalThreads.get(task.threadId)!;
  if (thread.status === 'idle' && runs.every((run) => run.status === 'success' || run.status === 'interrupted')) completed += 1;
  for (const run of runs) if (run.status === 'error') errors.push(`${task.kind} ${run.error?.code}: ${run.error?.message?.slice(0, 120)}`);
}
const stranded = tasks.filter((task) => task.kind === 'approval' && task.approved && finalThreads.get(task.threadId)?.status === 'interrupted').length;
const neverDecided = tasks.filter((task) => task.kind === 'approval' && !task.approved).length;

const orders = new DatabaseSync(ordersFile, { readOnly: true });
const refundRows = orders.prepare('SELECT order_id, COUNT(*) AS count FROM refunds WHERE order_id >= 5000 GROUP BY order_id').all() as Array<{ order_id: number; count: number }>;
orders.close();
const duplicates = refundRows.reduce((sum, row) => sum + row.count - 1, 0);
const refundTasks = tasks.filter((task) => task.kind !== 'question');
const refunded = refundRows.length;

// A run resumed after a kill: its `run.started` with attempt ≥ 2, timed from the last kill before it.
const resumeMs: number[] = [];
for (const entries of audit.values()) {
  for (const entry of entries) {
    if (entry.type !== 'run.started' || Number(entry.data.attempt ?? 1) < 2) continue;
    const at = Date.parse(entry.at);
    const kill = kills.filter((time) => time <= at).at(-1);
    if (kill !== undefined) resumeMs.push(at - kill);
  }
}
resumeMs.sort((left, right) => left - right);
const percentile = (values: number[], fraction: number) => (values.length === 0 ? NaN : values[Math.min(values.length - 1, Math.floor(fraction * values.length))]!);
const restartSorted = [...restarts].sort((left, right) => left - right);

console.log(`crash trial (${distributed ? 'Redis: one API and two workers, a worker killed' : 'embedded: one server killed'}), model ${options.model}, seed ${options.seed ?? 'random'}`);
console.log(`  runs: ${runCount} (${tasks.filter((task) => task.kind === 'question').length} policy questions, ${tasks.filter((task) => task.kind === 'refund').length} refunds under $500, ${tasks.filter((task) => task.kind === 'approval').length} above $500 approved by POST /approvals)`);
console.log(`  kill -9: ${kills.length} times; restart to listening p50 ${percentile(restartSorted, 0.5)} ms, max ${restartSorted.at(-1)} ms; trial ${(elapsedMs / 1_000).toFixed(1)} s`);
console.log(`  completed: ${completed}/${runCount} threads idle with every run success`);
console.log(`  attempts taken up again after a kill: ${resumeMs.length}; time to resume (kill → next attempt started) p50 ${percentile(resumeMs, 0.5)} ms, p99 ${percentile(resumeMs, 0.99)} ms`);
console.log(`  refunds: ${refunded}/${refundTasks.length} orders refunded; duplicate effects (refund rows beyond one per order): ${duplicates}`);
console.log(`  approvals stranded (decided, thread still waiting at the end): ${stranded}; never decided by the trial: ${neverDecided}; hand-written resumes sent: 0`);
console.log(`  runs ended error: ${errors.length}${errors.length > 0 ? `\n    ${[...new Set(errors)].slice(0, 10).join('\n    ')}` : ''}`);

for (const node of [apiNode, ...workerNodes]) node.process?.child.kill('SIGKILL');
await Promise.all([apiNode, ...workerNodes].map((node) => node.process?.exited));
await model?.close();
await redis?.dispose();
rmSync(workerDir, { recursive: true, force: true });
if (distributed) rmSync(apiNode.dataDir, { recursive: true, force: true });
process.exit(0);
