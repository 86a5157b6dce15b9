import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ordersReferenceDate } from '../../src/domains/brightcart/index.ts';
import { freePort } from '../support/free-port.ts';
import { printed, startServer, stopServer, type ServerProcess } from '../support/server-process.ts';
import { refundsOf, userMessage } from '../support/test-services.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/*
 * Approvals decided but never resumed (the deciding process died before it made the resume run,
 * or the approver chose "resume": false) are resumed on their own: by the periodic sweep, and at
 * start-up by a restarted server. The supervisor pauses "Refund order 1004 because it arrived
 * late." ($842) for approval; each case ends with the refund made exactly once.
 */
const keys = { agent: 'agent-key-0123456789', manager: 'manager-key-0123456789' };
const apiKeys = JSON.stringify([
  { key: keys.agent, tenant: 'default', scopes: ['runs:*', 'threads:*', 'assistants:read', 'orders:read', 'orders:write', 'refunds:write', 'credits:write'], name: 'support-agent' },
  { key: keys.manager, tenant: 'default', scopes: ['*'], name: 'support-manager' },
]);
const lateRefund = userMessage('Please refund order 1004 because it arrived late.');

interface Paused {
  thread_id: string;
  approvalId: string;
}

async function pauseForApproval(url: string): Promise<Paused> {
  const agent = new Client({ apiUrl: url, apiKey: keys.agent });
  const thread = await agent.threads.create();
  const paused = (await agent.runs.wait(thread.thread_id, 'supervisor', { input: lateRefund })) as { __interrupt__?: Array<{ value: { approvalId: string; tool: string } }> };
  const request = paused.__interrupt__?.[0]?.value;
  expect(request?.tool).toBe('issue_refund');
  return { thread_id: thread.thread_id, approvalId: request!.approvalId };
}

/** Decide as the manager with "resume": false: the decision is recorded and no run is made. */
async function approveWithoutResume(url: string, approvalId: string) {
  const response = await fetch(`${url}/approvals/${approvalId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': keys.manager },
    body: JSON.stringify({ decision: 'approve', resume: false }),
  });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { run: unknown }).run).toBeNull();
}

async function settledThread(client: Client, threadId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const thread = await client.threads.get(threadId);
    if (thread.status !== 'interrupted' && thread.status !== 'busy') return thread;
    if (Date.now() > deadline) throw new Error(`thread ${threadId} still ${thread.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('approvals decided but never resumed', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('are resumed by the sweep with the requester\'s authority, and refund exactly once', async () => {
    // The sample domain's clock, moving: the sweep waits one interval after a decision.
    const startedAt = Date.now();
    server = await startTestServer({ API_KEYS: apiKeys, APPROVAL_SWEEP_SECONDS: '1' }, { clock: () => new Date(ordersReferenceDate.getTime() + Date.now() - startedAt) });
    const { thread_id, approvalId } = await pauseForApproval(server.url);
    await approveWithoutResume(server.url, approvalId);
    const manager = new Client({ apiUrl: server.url, apiKey: keys.manager });
    const thread = await settledThread(manager, thread_id);
    expect(thread.status).toBe('idle');
    expect(refundsOf(server.services, 1004)).toHaveLength(1);

    const runs = await manager.runs.list(thread_id);
    expect(runs).toHaveLength(2);
    const started = (await server.services.audit.query({ tenantId: 'default', threadId: thread_id })).filter((entry) => entry.type === 'run.started');
    // The approver is the resume's actor; it acts for the run that asked.
    expect(started.map((entry) => [entry.actor, (entry.data as { onBehalfOf?: string }).onBehalfOf ?? null])).toEqual([['support-agent', null], ['support-manager', 'support-agent']]);
    // Further sweeps leave it alone: no second resume, no second refund.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await manager.runs.list(thread_id)).toHaveLength(2);
    expect(refundsOf(server.services, 1004)).toHaveLength(1);
    expect(await server.services.approvals.listUnresumed(10)).toEqual([]);
  }, 60_000);
});

describe('a server killed between a decision and its resume', () => {
  let dataDir: string | undefined;
  const processes: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((child) => stopServer(child)));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  async function start(port: number) {
    // No sweep: only the start-up recovery can resume it. LANGGRAPH_CONFIG empty: Overseer's own graphs.
    const child = startServer({ PORT: String(port), DATA_DIR: dataDir!, API_KEYS: apiKeys, APPROVAL_SWEEP_SECONDS: '0', LANGGRAPH_CONFIG: '', LOG_LEVEL: 'warn' });
    processes.push(child);
    await printed(child);
    return child;
  }

  it('resumes the decided approval at start-up and refunds exactly once', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'overseer-stranded-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const first = await start(port);
    const { thread_id, approvalId } = await pauseForApproval(url);
    await approveWithoutResume(url, approvalId);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await start(port);
    // Recovery runs once the socket is bound, so its line comes after "listening": wait for it.
    await printed(second, 'approvals: 1 decided but never resumed, resumed now');
    const thread = await settledThread(new Client({ apiUrl: url, apiKey: keys.manager }), thread_id);
    expect(thread.status).toBe('idle');
    const database = new DatabaseSync(path.join(dataDir, 'overseer.db'), { readOnly: true });
    try {
      expect(database.prepare('SELECT COUNT(*) AS count FROM refunds WHERE order_id = 1004').get()).toEqual({ count: 1 });
    } finally {
      database.close();
    }
  }, 120_000);
});
