import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatBehaviour } from '../support/openai-compatible-server.ts';
import { startPolicyFollowingModel, type PolicyFollowingServer } from '../support/openai-scenarios.ts';
import { createPolicyFollowingModel } from '../support/policy-following-model/index.ts';
import { freePort } from '../support/free-port.ts';
import { startRedisTestServer, type RedisTestServer } from '../support/redis-test-server.ts';
import { printed, startServer, stopServer, type ServerProcess } from '../support/server-process.ts';

/*
 * The supervisor on an API process and two workers (one private redis-server; the workers share
 * the sample orders domain's SQLite file, as workers of one business system do), on the openai
 * provider through a stand-in playing a competent model that writes its replies a token at a
 * time. A manager approves the $842 refund of order 1004; the worker executing the resume is
 * killed (`kill -9`) the moment the refund is recorded, before the run ends. The other worker
 * takes the run over (attempt 2, from the thread's checkpoint) and finishes it: one refund,
 * never two, and an answer that says it was made.
 */
const keys = { agent: 'agent-key-0123456789', manager: 'manager-key-0123456789' };
const apiKeys = JSON.stringify([
  { key: keys.agent, tenant: 'default', scopes: ['runs:*', 'threads:*', 'assistants:read', 'orders:read', 'orders:write', 'refunds:write', 'credits:write'], name: 'support-agent' },
  { key: keys.manager, tenant: 'default', scopes: ['*'], name: 'support-manager' },
]);

let redis: RedisTestServer;
let model: PolicyFollowingServer;
const processes: ServerProcess[] = [];
const dataDirs: string[] = [];
const keyPrefix = `crash-refund-${process.pid}-${Date.now()}:`;
let apiUrl: string;
let ordersFile: string;
const workers: ServerProcess[] = [];

async function startNode(role: 'api' | 'worker', dataDir: string): Promise<ServerProcess> {
  const port = await freePort();
  const child = startServer({
    ROLE: role, PORT: String(port), DATA_DIR: dataDir, REDIS_URL: redis.url, REDIS_KEY_PREFIX: keyPrefix,
    RUN_LEASE_MS: '1000', API_KEYS: apiKeys, LANGGRAPH_CONFIG: '', LOG_LEVEL: 'warn', ...model.environment,
  });
  processes.push(child);
  await printed(child);
  if (role === 'api') apiUrl = `http://127.0.0.1:${port}`;
  return child;
}

beforeAll(async () => {
  redis = await startRedisTestServer();
  model = await startPolicyFollowingModel();
  // Replies written a token at a time: the run goes on well after the refund is recorded.
  const competent = createPolicyFollowingModel();
  model.otherwise('*', (request): ChatBehaviour => {
    const behaviour = competent(request);
    return behaviour.kind === 'text' ? { ...behaviour, tokenDelayMs: 40 } : behaviour;
  });
  const apiDir = await mkdtemp(path.join(tmpdir(), 'overseer-api-'));
  const workerDir = await mkdtemp(path.join(tmpdir(), 'overseer-workers-'));
  dataDirs.push(apiDir, workerDir);
  ordersFile = path.join(workerDir, 'overseer.db');
  await startNode('api', apiDir);
  // One after the other: the first creates and seeds the shared file, the second finds it ready.
  workers.push(await startNode('worker', workerDir));
  workers.push(await startNode('worker', workerDir));
}, 180_000);

afterAll(async () => {
  await Promise.all(processes.map((child) => stopServer(child)));
  await model?.close();
  await Promise.all(dataDirs.map((dataDir) => rm(dataDir, { recursive: true, force: true })));
  await redis?.dispose();
}, 60_000);

function refundsOf1004(): number {
  const database = new DatabaseSync(ordersFile, { readOnly: true });
  try {
    return Number((database.prepare('SELECT COUNT(*) AS count FROM refunds WHERE order_id = 1004').get() as { count: number }).count);
  } finally {
    database.close();
  }
}

async function runRecord(threadId: string, runId: string) {
  const response = await fetch(`${apiUrl}/threads/${threadId}/runs/${runId}`, { headers: { 'x-api-key': keys.manager } });
  return (await response.json()) as { status: string; worker?: string; attempt?: number; resume_from?: string | null };
}

describe('a worker killed while it executes an approved refund', () => {
  it('is taken over from the checkpoint by the other worker, which finishes the run with one refund', async () => {
    const agent = new Client({ apiUrl, apiKey: keys.agent });
    const thread = await agent.threads.create();
    const paused = (await agent.runs.wait(thread.thread_id, 'supervisor', { input: { messages: [{ role: 'user', content: 'Please refund order 1004 because it arrived late.' }] } })) as {
      __interrupt__?: Array<{ value: { approvalId: string; tool: string } }>;
    };
    const request = paused.__interrupt__?.[0]?.value;
    expect(request?.tool).toBe('issue_refund');
    expect(refundsOf1004()).toBe(0);

    const decided = await fetch(`${apiUrl}/approvals/${request!.approvalId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': keys.manager },
      body: JSON.stringify({ decision: 'approve' }),
    });
    expect(decided.status).toBe(200);
    const { run } = (await decided.json()) as { run: { run_id: string } };

    // Which worker executes the resume, then the moment its refund is recorded: kill it there.
    let executing: ServerProcess | undefined;
    const deadline = Date.now() + 30_000;
    while (!executing && Date.now() < deadline) {
      const pid = (await runRecord(thread.thread_id, run.run_id)).worker?.split(':').at(-1);
      executing = workers.find((worker) => String(worker.child.pid) === pid);
      if (!executing) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(executing).toBeDefined();
    while (refundsOf1004() === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
    executing!.child.kill('SIGKILL');
    await executing!.exited;
    expect(refundsOf1004()).toBe(1);
    const killedPid = String(executing!.child.pid);
    // It died mid-run: the run was not over yet.
    expect((await runRecord(thread.thread_id, run.run_id)).status).toBe('running');

    let finished = await runRecord(thread.thread_id, run.run_id);
    const until = Date.now() + 60_000;
    while (finished.status === 'running' || finished.status === 'pending') {
      if (Date.now() > until) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
      finished = await runRecord(thread.thread_id, run.run_id);
    }
    expect(finished).toMatchObject({ status: 'success', attempt: 2 });
    expect(finished.worker?.split(':').at(-1)).not.toBe(killedPid);
    expect(refundsOf1004()).toBe(1);
    // The successor found the refund the dead worker made (in the ledger, or by asking the tool when
    // the entry was left `started`) and went on: audited as done once, never refused as "nothing left to refund".
    const audit = (await (await fetch(`${apiUrl}/audit?thread_id=${thread.thread_id}&limit=1000`, { headers: { 'x-api-key': keys.manager } })).json()) as Array<{ type: string; data: { tool?: string } }>;
    const refundEntries = audit.filter((entry) => entry.data.tool === 'issue_refund').map((entry) => entry.type);
    expect(refundEntries.filter((type) => type === 'tool.executed')).toHaveLength(1);
    expect(refundEntries).not.toContain('tool.refused');
    const state = await agent.threads.getState<{ result?: { status: string; answer: string } }>(thread.thread_id);
    expect(state.values.result?.status).not.toBe('error');
    expect(state.values.result?.answer).toContain('842');
  }, 120_000);
});
