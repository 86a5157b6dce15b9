import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refundsOf } from '../support/test-services.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * The hostile second tenant: a real listening server with two tenants, `acme` and `rival`, each
 * with a key holding every scope. Acme talks on a client-chosen thread id, pauses a refund for
 * approval, keeps a store item and ingests a private document. Rival then creates the same thread
 * ids and tries every thread, run, approval, store, ingest and audit route with them and with the
 * ids acme's answers revealed. Each such request is a probe: it must answer 404, or 2xx with
 * nothing of acme's in it. Afterwards acme's thread is exactly as it was and still goes on.
 */

export interface IsolationBackend {
  /** Environment for the server (e.g. REDIS_URL and a unique REDIS_KEY_PREFIX); `{}` for SQLite. */
  environment: () => Promise<Record<string, string>>;
  /** The checkpointer class the server must end up with, so the scenario runs where it says. */
  checkpointer: 'SqliteCheckpointSaver' | 'RedisCheckpointSaver';
  /** Remove what the backend stored outside the server's temporary directory. */
  cleanup?: () => Promise<void>;
}

const keys = { acme: 'acme-key-0123456789abcdef0123', rival: 'rival-key-0123456789abcdef012' };
const apiKeys = JSON.stringify([
  { key: keys.acme, tenant: 'acme', scopes: ['*'], name: 'acme-agent' },
  { key: keys.rival, tenant: 'rival', scopes: ['*'], name: 'rival-agent' },
]);

const conversation = 'acme-conversation-42';
const refundThread = 'acme-refund-7';
const privateThread = 'acme-private-thread';
const question = 'How long is the warranty on electronics?';
const followUp = 'And how do I make a warranty claim?';
const refundRequest = 'Refund order 1004 because it arrived late.';
const rivalQuestion = 'What is the return window for clothing?';
const codeword = 'PELICAN-7731';
const storeSecret = 'acme private note: renewal at 40% discount';

const ask = (content: string) => ({ assistant_id: 'supervisor', input: { messages: [{ role: 'user', content }] } });

type Message = { type: string; content: unknown };
type ThreadState = { values: { messages?: Message[] }; checkpoint: { checkpoint_id: string } | null };
type Values = { messages?: Message[]; __interrupt__?: Array<{ value: { approvalId: string } }> };

/** What acme knows after its turn: the ids rival could learn or guess, and what must stay acme's. */
interface AcmeWorld {
  state: ThreadState;
  history: string[];
  runIds: string[];
  refundRunId: string;
  approvalId: string;
  jobId: string;
  /** Ids of acme's messages (uuids), which nothing of rival's can contain by chance. */
  messageIds: string[];
  /** The copy rival makes of its thread of the colliding id (set by that probe). */
  rivalCopyId?: string;
}

interface Probe {
  label: string;
  /** `not-found`: 404. `own`: 2xx with nothing of acme's. */
  expect: 'not-found' | 'own';
  request: (world: AcmeWorld) => { method: string; path: string; body?: unknown };
  /** Further checks on an `own` answer's JSON: whether it is the caller's own (empty) data. */
  check?: (body: unknown, world: AcmeWorld) => boolean;
}

const emptyState = (body: unknown) => JSON.stringify((body as ThreadState).values) === '{}';
const emptyList = (body: unknown) => Array.isArray(body) && body.length === 0;
const threadPaths = (threadId: string) => `/threads/${encodeURIComponent(threadId)}`;
const rivalOnly = (body: unknown) => !JSON.stringify(body).includes(question);

/**
 * The cross-tenant requests, in order (later ones see what earlier ones did). The count is known
 * before any runs, so the test title can state it.
 */
function probesOf(): Probe[] {
  const t = threadPaths(conversation);
  const probes: Probe[] = [
    // The colliding thread id, which rival has created for itself.
    { label: 'GET thread', expect: 'own', request: () => ({ method: 'GET', path: t }), check: (body) => (body as { values: unknown }).values === null },
    { label: 'GET state', expect: 'own', request: () => ({ method: 'GET', path: `${t}/state` }), check: emptyState },
    { label: 'GET state with subgraphs', expect: 'own', request: () => ({ method: 'GET', path: `${t}/state?subgraphs=true` }), check: emptyState },
    { label: "GET state at acme's checkpoint", expect: 'own', request: (world) => ({ method: 'GET', path: `${t}/state/${world.history[0]}` }), check: emptyState },
    { label: "POST state/checkpoint at acme's checkpoint", expect: 'own', request: (world) => ({ method: 'POST', path: `${t}/state/checkpoint`, body: { checkpoint: { checkpoint_id: world.history[1] } } }), check: emptyState },
    { label: 'POST history', expect: 'own', request: () => ({ method: 'POST', path: `${t}/history`, body: { limit: 100 } }), check: emptyList },
    { label: 'GET history', expect: 'own', request: () => ({ method: 'GET', path: `${t}/history?limit=100` }), check: emptyList },
    { label: "POST history before acme's checkpoint", expect: 'own', request: (world) => ({ method: 'POST', path: `${t}/history`, body: { limit: 100, before: world.history[0] } }), check: emptyList },
    {
      label: 'POST copy',
      expect: 'own',
      request: () => ({ method: 'POST', path: `${t}/copy` }),
      check: (body, world) => Boolean((world.rivalCopyId = (body as { thread_id: string }).thread_id)),
    },
    { label: 'GET state of the copy', expect: 'own', request: (world) => ({ method: 'GET', path: `${threadPaths(world.rivalCopyId ?? 'missing')}/state` }), check: emptyState },
    { label: 'POST history of the copy', expect: 'own', request: (world) => ({ method: 'POST', path: `${threadPaths(world.rivalCopyId ?? 'missing')}/history`, body: { limit: 100 } }), check: emptyList },
    { label: 'GET runs', expect: 'own', request: () => ({ method: 'GET', path: `${t}/runs` }), check: emptyList },
    { label: 'POST threads/search', expect: 'own', request: () => ({ method: 'POST', path: '/threads/search', body: { limit: 100 } }) },
    // Acme's run ids, on rival's thread of the same id and on the stateless routes.
    ...runRouteProbes(t, 'on the colliding thread'),
    { label: "GET /runs/{acme's run}/stream", expect: 'not-found', request: (world) => ({ method: 'GET', path: `/runs/${world.runIds[0]}/stream` }) },
    // Time travel to acme's checkpoint: there is no such checkpoint in rival's thread, so 404 and no run.
    {
      label: "POST runs/wait from acme's checkpoint",
      expect: 'not-found',
      request: (world) => ({ method: 'POST', path: `${t}/runs/wait`, body: { ...ask('Go on from there'), checkpoint_id: world.history[1] } }),
    },
    // A run of rival's own on the colliding id: a new conversation, not acme's continued.
    {
      label: 'POST runs/wait on the colliding thread',
      expect: 'own',
      request: () => ({ method: 'POST', path: `${t}/runs/wait`, body: ask(rivalQuestion) }),
      check: (body) => {
        const asked = (body as Values).messages?.filter((message) => message.type === 'human').map((message) => message.content);
        return asked?.at(-1) === rivalQuestion && !asked.includes(question);
      },
    },
    { label: 'GET state after its run', expect: 'own', request: () => ({ method: 'GET', path: `${t}/state` }), check: rivalOnly },
    { label: 'POST history after its run', expect: 'own', request: () => ({ method: 'POST', path: `${t}/history`, body: { limit: 100 } }), check: rivalOnly },
    {
      label: 'POST state (update) forking from acme\'s checkpoint',
      expect: 'own',
      request: (world) => ({ method: 'POST', path: `${t}/state`, body: { values: { messages: [{ role: 'user', content: 'rival edit' }] }, as_node: 'finish', checkpoint_id: world.history[1] } }),
    },
    { label: 'GET runs after its run', expect: 'own', request: () => ({ method: 'GET', path: `${t}/runs` }), check: (body, world) => Array.isArray(body) && body.length === 1 && body.every((run: { run_id: string }) => !world.runIds.includes(run.run_id)) },
    // Acme's paused refund: the same thread id, then its approval id.
    { label: 'POST thread with the refund thread id', expect: 'own', request: () => ({ method: 'POST', path: '/threads', body: { thread_id: refundThread, graph_id: 'supervisor' } }) },
    { label: 'GET state of the refund thread', expect: 'own', request: () => ({ method: 'GET', path: `${threadPaths(refundThread)}/state` }), check: emptyState },
    {
      // Nothing of rival's waits there; it must neither resume nor touch acme's paused run.
      label: "resume the refund thread with acme's approval id",
      expect: 'own',
      check: (body) => JSON.stringify((body as Values).messages ?? []) === '[]',
      request: (world) => ({ method: 'POST', path: `${threadPaths(refundThread)}/runs/wait`, body: { assistant_id: 'supervisor', command: { resume: { approvalId: world.approvalId } } } }),
    },
    ...runRouteProbes(threadPaths(refundThread), 'on the refund thread', (world) => world.refundRunId),
    { label: "GET acme's approval", expect: 'not-found', request: (world) => ({ method: 'GET', path: `/approvals/${world.approvalId}` }) },
    { label: "approve acme's approval", expect: 'not-found', request: (world) => ({ method: 'POST', path: `/approvals/${world.approvalId}`, body: { decision: 'approve' } }) },
    { label: "reject acme's approval", expect: 'not-found', request: (world) => ({ method: 'POST', path: `/approvals/${world.approvalId}`, body: { decision: 'reject', reason: 'rival says no' } }) },
    { label: 'GET approvals', expect: 'own', request: () => ({ method: 'GET', path: '/approvals' }), check: emptyList },
    // A thread id only acme has (learned from its answers): 404 everywhere.
    ...[
      ['GET thread', 'GET', ''],
      ['PATCH thread', 'PATCH', '', { metadata: { owner: 'rival' } }],
      ['GET state', 'GET', '/state'],
      ['POST state', 'POST', '/state', { values: { messages: [] } }],
      ['POST history', 'POST', '/history', { limit: 10 }],
      ['GET history', 'GET', '/history'],
      ['POST copy', 'POST', '/copy'],
      ['GET runs', 'GET', '/runs'],
      ['POST runs/wait', 'POST', '/runs/wait', ask('Continue please')],
      ['POST runs/stream', 'POST', '/runs/stream', ask('Continue please')],
      ['DELETE thread', 'DELETE', ''],
    ].map(([label, method, suffix, body]): Probe => ({
      label: `${label as string} of acme's private thread`,
      expect: 'not-found',
      request: () => ({ method: method as string, path: `${threadPaths(privateThread)}${suffix as string}`, body }),
    })),
    // Store, ingestion and audit.
    { label: "GET acme's store item", expect: 'own', request: () => ({ method: 'GET', path: '/store/items?namespace=notes&key=renewal' }), check: (body) => body === null },
    { label: 'POST store search', expect: 'own', request: () => ({ method: 'POST', path: '/store/items/search', body: { namespace_prefix: ['notes'] } }), check: (body) => (body as { items: unknown[] }).items.length === 0 },
    { label: 'POST store namespaces', expect: 'own', request: () => ({ method: 'POST', path: '/store/namespaces', body: {} }) },
    { label: "DELETE acme's store item", expect: 'own', request: () => ({ method: 'DELETE', path: '/store/items', body: { namespace: ['notes'], key: 'renewal' } }) },
    { label: "GET acme's ingestion job", expect: 'not-found', request: (world) => ({ method: 'GET', path: `/ingest/${world.jobId}` }) },
    { label: "ask about acme's private document", expect: 'own', request: () => ({ method: 'POST', path: '/runs/wait', body: ask('What is the internal escalation codeword?') }) },
    { label: 'GET audit of the colliding thread', expect: 'own', request: () => ({ method: 'GET', path: `/audit?thread_id=${conversation}&limit=500` }) },
    { label: "GET audit of acme's run", expect: 'own', request: (world) => ({ method: 'GET', path: `/audit?run_id=${world.runIds[0]}&limit=500` }), check: emptyList },
    { label: 'GET audit/verify', expect: 'own', request: () => ({ method: 'GET', path: '/audit/verify' }) },
    // Last: rival deletes its thread of the colliding id.
    { label: 'DELETE the colliding thread', expect: 'own', request: () => ({ method: 'DELETE', path: t }) },
    { label: 'GET the deleted thread', expect: 'not-found', request: () => ({ method: 'GET', path: t }) },
  ];
  return probes;
}

/** Every route that takes a run id, with acme's run id on a thread path rival may use. */
function runRouteProbes(threadPath: string, where: string, runOf: (world: AcmeWorld) => string = (world) => world.runIds[0]!): Probe[] {
  const run = (world: AcmeWorld) => `${threadPath}/runs/${runOf(world)}`;
  return [
    { label: `GET acme's run ${where}`, expect: 'not-found', request: (world) => ({ method: 'GET', path: run(world) }) },
    { label: `join acme's run ${where}`, expect: 'not-found', request: (world) => ({ method: 'GET', path: `${run(world)}/join` }) },
    { label: `stream acme's run ${where}`, expect: 'not-found', request: (world) => ({ method: 'GET', path: `${run(world)}/stream` }) },
    { label: `cancel acme's run ${where}`, expect: 'not-found', request: (world) => ({ method: 'POST', path: `${run(world)}/cancel?action=rollback` }) },
    { label: `DELETE acme's run ${where}`, expect: 'not-found', request: (world) => ({ method: 'DELETE', path: run(world) }) },
  ];
}

/** Run the whole adversarial scenario against one storage backend. */
export function describeTenantIsolation(backendName: string, backend: IsolationBackend): void {
  const probes = probesOf();

  describe(`tenant isolation on ${backendName}`, () => {
    let server: TestServer;
    let world: AcmeWorld;
    const failures: string[] = [];

    const call = async (tenant: keyof typeof keys, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'x-api-key': keys[tenant], ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, text };
    };
    const json = async (tenant: keyof typeof keys, method: string, path: string, body?: unknown) => {
      const { status, text } = await call(tenant, method, path, body);
      expect(status, `${tenant} ${method} ${path}: ${text.slice(0, 300)}`).toBeLessThan(300);
      return (text ? JSON.parse(text) : null) as unknown;
    };
    const acmeState = async (threadId = conversation) => (await json('acme', 'GET', `${threadPaths(threadId)}/state`)) as ThreadState;
    const acmeHistory = async () =>
      ((await json('acme', 'POST', `${threadPaths(conversation)}/history`, { limit: 1_000 })) as ThreadState[]).map((state) => state.checkpoint!.checkpoint_id);

    beforeAll(async () => {
      server = await startTestServer({ API_KEYS: apiKeys, ...(await backend.environment()) });
      expect(server.services.checkpointer.constructor.name).toBe(backend.checkpointer);
      await json('acme', 'POST', '/threads', { thread_id: conversation, graph_id: 'supervisor' });
      await json('acme', 'POST', '/threads', { thread_id: privateThread, graph_id: 'supervisor' });
      const first = (await json('acme', 'POST', `${threadPaths(conversation)}/runs`, ask(question))) as { run_id: string };
      const values = (await json('acme', 'GET', `${threadPaths(conversation)}/runs/${first.run_id}/join`)) as Values;
      await json('acme', 'POST', '/threads', { thread_id: refundThread, graph_id: 'supervisor' });
      const refundRun = (await json('acme', 'POST', `${threadPaths(refundThread)}/runs`, ask(refundRequest))) as { run_id: string };
      const paused = (await json('acme', 'GET', `${threadPaths(refundThread)}/runs/${refundRun.run_id}/join`)) as Values;
      await json('acme', 'PUT', '/store/items', { namespace: ['notes'], key: 'renewal', value: { text: storeSecret } });
      const job = (await json('acme', 'POST', '/ingest', {
        documents: [{ id: 'escalation', source: 'acme/escalation.md', title: 'Internal escalation codeword', text: `# Internal escalation codeword\n\nThe internal escalation codeword is ${codeword}.` }],
      })) as { job_id: string };
      let status = '';
      for (let attempt = 0; attempt < 200 && status !== 'succeeded' && status !== 'failed'; attempt += 1) {
        status = ((await json('acme', 'GET', `/ingest/${job.job_id}`)) as { status: string }).status;
        if (status !== 'succeeded') await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(status).toBe('succeeded');
      const state = await acmeState();
      world = {
        state,
        history: await acmeHistory(),
        runIds: [first.run_id],
        refundRunId: refundRun.run_id,
        approvalId: paused.__interrupt__![0]!.value.approvalId,
        jobId: job.job_id,
        messageIds: [...(state.values.messages ?? []), ...(paused.messages ?? [])].map((message) => (message as { id?: string }).id ?? ''),
      };
      expect(world.history.length).toBeGreaterThan(2);
      expect(JSON.stringify(values.messages)).toContain(question);
      expect(world.state.values.messages).toEqual(values.messages);
      // Rival takes the same client-chosen thread id: a thread of its own.
      await json('rival', 'POST', '/threads', { thread_id: conversation, graph_id: 'supervisor' });
    }, 120_000);

    afterAll(async () => {
      await server?.close();
      await backend.cleanup?.();
      console.log(`tenant isolation on ${backendName}: ${probes.length} cross-tenant requests, ${failures.length} leaks`);
    });

    it(`answers rival's ${probes.length} cross-tenant requests with 404 or its own data: 0 leaks`, async () => {
      // What rival must never see: acme's words and the ids acme holds, unless rival itself sent
      // that id (in this request or an earlier one: a thread of rival's may name it back).
      const secrets = [question, refundRequest, storeSecret, codeword, ...world.messageIds, ...world.history, ...world.runIds, world.refundRunId, world.approvalId, world.jobId].filter(
        (secret) => secret.length >= 8,
      );
      let sent = '';
      for (const probe of probes) {
        const { method, path, body } = probe.request(world);
        const { status, text } = await call('rival', method, path, body);
        sent += ` ${path} ${JSON.stringify(body ?? '')}`;
        const seen = secrets.filter((secret) => !sent.includes(secret) && text.includes(secret));
        const outcome = `${probe.label} (${method} ${path}) answered ${status}: ${text.slice(0, 200)}`;
        if (probe.expect === 'not-found') {
          if (status !== 404) failures.push(outcome);
        } else if (status >= 300 || seen.length > 0 || (probe.check && !probe.check(text ? JSON.parse(text) : null, world))) {
          failures.push(`${outcome}${seen.length > 0 ? ` [shows ${seen.join(', ').slice(0, 120)}]` : ''}`);
        }
      }
      expect(failures).toEqual([]);
    }, 120_000);

    it("leaves acme's state and history exactly as they were", async () => {
      expect(await acmeState()).toEqual(world.state);
      expect(await acmeHistory()).toEqual(world.history);
      expect(((await json('acme', 'GET', `${threadPaths(conversation)}/runs`)) as Array<{ run_id: string }>).map((run) => run.run_id)).toEqual(world.runIds);
      expect(await json('acme', 'GET', '/store/items?namespace=notes&key=renewal')).toMatchObject({ value: { text: storeSecret } });
    });

    it("lets acme's runs go on with its own conversation", async () => {
      const next = (await json('acme', 'POST', `${threadPaths(conversation)}/runs/wait`, ask(followUp))) as Values;
      const asked = next.messages?.filter((message) => message.type === 'human').map((message) => message.content);
      expect(asked).toEqual([question, followUp]);
      expect(JSON.stringify(next)).not.toContain(rivalQuestion);
      expect(JSON.stringify(next)).not.toContain('rival edit');
    });

    it("keeps acme's approval pending and decidable by acme: approving refunds once", async () => {
      const pending = (await json('acme', 'GET', '/approvals')) as Array<{ id: string; status: string }>;
      expect(pending.map((approval) => approval.id)).toEqual([world.approvalId]);
      const decided = (await json('acme', 'POST', `/approvals/${world.approvalId}`, { decision: 'approve' })) as { run: { run_id: string } };
      await json('acme', 'GET', `${threadPaths(refundThread)}/runs/${decided.run.run_id}/join`);
      expect(refundsOf(server.services, 1004).map((refund) => refund.amount_cents)).toEqual([84_200]);
    });

    it("finds acme's private document for acme only", async () => {
      const answer = (await json('acme', 'POST', '/runs/wait', ask('What is the internal escalation codeword?'))) as Values;
      expect(JSON.stringify(answer.messages?.at(-1)?.content)).toContain(codeword);
    });
  });
}
