import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply, startOpenAICompatibleServer } from '../support/openai-compatible-server.ts';
import { citeRefundWindow, openAIEnvironment } from '../support/openai-scenarios.ts';
import { refundsOf } from '../support/test-services.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/*
 * The SDK's React hook `useStream` in headless Chromium (Debian's `chromium`, driven by
 * playwright-core) against real listening servers started with their defaults (open mode, so
 * CORS lets the page's own origin in). The page is bundled here with esbuild; nothing is
 * downloaded while the test runs, and any request leaving 127.0.0.1 is refused and reported.
 */

const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
// CI installs chromium (.ci/run); there a missing browser is a failure, not a skip.
const required = process.env.CI !== undefined || process.env.BROWSER_TESTS === 'required';
if (!hasChromium && required) throw new Error(`${chromiumPath} is missing; install Debian's chromium (apt-get install -y chromium) to run the browser tests`);
if (!hasChromium) console.warn(`Skipping the browser tests: ${chromiumPath} is missing (apt-get install -y chromium)`);

const fixtures = path.resolve(import.meta.dirname, '../fixtures/langgraph.json');
const flags = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
const lateRefund = 'Refund order 1004 because it arrived late.';

/** The page, bundled in memory, served from its own origin (another port than the APIs). */
async function servePage(): Promise<{ server: Server; url: string }> {
  const bundle = await build({
    entryPoints: [path.resolve(import.meta.dirname, 'page/main.tsx')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.contents;
  const html = '<!doctype html><html><head><meta charset="utf-8"><title>useStream</title></head><body><div id="root"></div><script type="module" src="/app.js"></script></body></html>';
  const server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (pathname === '/app.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (pathname === '/') response.writeHead(200, { 'content-type': 'text/html' }).end(html);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe.skipIf(!hasChromium)('useStream in headless Chromium', () => {
  let api: TestServer;
  let slowApi: TestServer;
  let page: { server: Server; url: string };
  let context: BrowserContext;
  let profile: string;
  const external: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [api, slowApi, page] = await Promise.all([startTestServer(), startTestServer({ LANGGRAPH_CONFIG: fixtures }), servePage()]);
    profile = mkdtempSync(path.join(tmpdir(), 'overseer-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: flags });
    context.setDefaultTimeout(20_000);
    await context.route('**/*', async (route) => {
      const { hostname } = new URL(route.request().url());
      if (hostname === '127.0.0.1') return route.continue();
      external.push(route.request().url());
      return route.abort();
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await Promise.all([api?.close(), slowApi?.close(), new Promise((resolve) => page?.server.close(resolve))]);
    if (profile) rmSync(profile, { recursive: true, force: true });
    // Nothing on the page may reach beyond this machine.
    expect(external).toEqual([]);
  });

  async function open(apiUrl: string, assistant: string, threadId?: string): Promise<Page> {
    const tab = await context.newPage();
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    // DEBUG_BROWSER=1 prints what the page logs and every response it gets.
    if (process.env.DEBUG_BROWSER) {
      tab.on('console', (message) => console.log('[page]', message.type(), message.text()));
      tab.on('response', (response) => console.log('[net]', response.status(), response.request().method(), response.url()));
    }
    const address = new URL(page.url);
    address.searchParams.set('api', apiUrl);
    address.searchParams.set('assistant', assistant);
    if (threadId) address.searchParams.set('thread', threadId);
    await tab.goto(address.toString());
    return tab;
  }

  async function ask(tab: Page, text: string) {
    await tab.fill('#prompt', text);
    await tab.click('#send');
  }

  const idle = (tab: Page) => tab.waitForSelector('#status[data-loading="false"]');
  const answers = (tab: Page) => tab.locator('#messages li[data-type="ai"]').allInnerTexts();
  const threadIdOf = async (tab: Page) => (await tab.locator('#thread-id').innerText()).trim();
  const approval = async (id: string) => (await (await fetch(`${api.url}/approvals/${id}`)).json()) as { status: string; decision: { approver: string; reason?: string } | null };

  /** Ask for the late refund and wait for its approval card; returns the approval id. */
  async function pausedRefund(tab: Page): Promise<string> {
    await ask(tab, lateRefund);
    const card = tab.locator('#approval');
    await card.waitFor();
    expect(await card.getAttribute('data-tool')).toBe('issue_refund');
    expect(await tab.locator('#approval-description').innerText()).toContain('approval threshold');
    return (await card.getAttribute('data-approval-id'))!;
  }

  it('asks a question and renders the streamed answer', async () => {
    const tab = await open(api.url, 'supervisor');
    const streams: string[] = [];
    tab.on('request', (request) => {
      if (request.url().endsWith('/runs/stream')) streams.push(request.url());
    });
    await ask(tab, 'How long do refunds take to arrive?');
    await tab.locator('#messages li[data-type="ai"]').first().waitFor();
    await idle(tab);
    const [answer] = await answers(tab);
    expect(answer).toMatch(/refund/i);
    expect(await tab.locator('#messages li[data-type="human"]').allInnerTexts()).toEqual(['How long do refunds take to arrive?']);
    expect(streams).toHaveLength(1);
    expect(await tab.locator('#error').count()).toBe(0);
    await tab.close();
  });

  it('streams a knowledge-base answer the router let be the reply token by token, and shows it once', async () => {
    // A model on the OpenAI-compatible stand-in: the router hands the question over with
    // replyDirectly, the answerer streams its cited answer a token every 40 ms.
    const model = await startOpenAICompatibleServer();
    const question = 'How many days do I have to ask for a refund when my order arrived late?';
    model.script('router', reply.toolCall('handoff_to_retriever', { task: question, replyDirectly: true }));
    model.script('answerer', (request) => {
      const label = citeRefundWindow(request);
      return label.kind === 'text' ? reply.text(label.content, { tokenDelayMs: 40 }) : label;
    });
    const openai = await startTestServer(openAIEnvironment(model));
    try {
      const tab = await open(openai.url, 'supervisor');
      await ask(tab, question);
      const first = tab.locator('#messages li[data-type="ai"]').first();
      await first.waitFor();
      // What the page showed while the run was still going, sampled as it rendered.
      const seen = new Set<string>();
      while ((await tab.locator('#status').getAttribute('data-loading')) === 'true') {
        seen.add(await first.innerText().catch(() => ''));
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      const final = await answers(tab);
      expect(final).toHaveLength(1);
      expect(final[0]).toMatch(/^Orders delivered late can be refunded in full within 30 days of delivery \[[a-z-]+#\d+\]\.$/);
      // Growing partial texts of the same answer before it was complete: streamed, not arrived whole.
      const partials = [...seen].filter((text) => text !== '' && text !== final[0] && final[0]!.startsWith(text.trim()));
      expect(partials.length).toBeGreaterThanOrEqual(3);
      expect(model.chatRequests().map((request) => request.model)).toEqual(['router', 'answerer']);
      expect(await tab.locator('#error').count()).toBe(0);
      await tab.close();
    } finally {
      await openai.close();
      await model.close();
    }
  });

  it('reloads mid-run, rejoins the run from its first event and sees it complete', async () => {
    const tab = await open(slowApi.url, 'slow');
    await ask(tab, JSON.stringify({ count: 8, delayMs: 300 }));
    await tab.waitForSelector('#steps li:nth-child(2)');
    const rejoins: Request[] = [];
    tab.on('request', (request) => {
      if (/\/runs\/[^/]+\/stream$/.test(new URL(request.url()).pathname)) rejoins.push(request);
    });
    await tab.reload();
    await tab.waitForSelector('#steps li:nth-child(8)');
    await idle(tab);
    expect(await tab.locator('#steps li').allInnerTexts()).toEqual(Array.from({ length: 8 }, (_, index) => `step-${index + 1}`));
    expect(await tab.locator('#error').count()).toBe(0);
    // The hook rejoined the run it started, asking for everything from the first event.
    expect(rejoins).toHaveLength(1);
    expect(await rejoins[0]!.headerValue('last-event-id')).toBe('-1');
    const threadId = await threadIdOf(tab);
    const [run] = (await (await fetch(`${slowApi.url}/threads/${threadId}/runs`)).json()) as Array<{ status: string }>;
    expect(run!.status).toBe('success');
    await tab.close();
  });

  it('shows the approval interrupt and rejects it with a message the answer passes on', async () => {
    const tab = await open(api.url, 'supervisor');
    const approvalId = await pausedRefund(tab);
    const message = 'Store credit was already given for this order';
    await tab.fill('#reject-message', message);
    await tab.click('#reject');
    await tab.locator('#approval').waitFor({ state: 'detached' });
    await idle(tab);
    expect((await answers(tab)).at(-1)).toContain(message);
    expect(await approval(approvalId)).toMatchObject({ status: 'rejected', decision: { approver: 'open', reason: message } });
    expect(refundsOf(api.services, 1004)).toHaveLength(0);
    expect(await tab.locator('#error').count()).toBe(0);
    await tab.close();
  });

  it('edits the amount (still above the threshold, so it asks again), then approves: one refund of the edited amount', async () => {
    const tab = await open(api.url, 'supervisor');
    const first = await pausedRefund(tab);
    const args = JSON.parse(await tab.locator('#approval-args').innerText()) as Record<string, unknown>;
    expect(args).toMatchObject({ orderId: 1004, amountCents: 84_200 });
    await tab.fill('#edit-args', JSON.stringify({ ...args, amountCents: 60_000 }));
    await tab.click('#edit');
    await tab.waitForSelector(`#approval:not([data-approval-id="${first}"])`);
    expect(JSON.parse(await tab.locator('#approval-args').innerText())).toMatchObject({ amountCents: 60_000 });
    const second = (await tab.locator('#approval').getAttribute('data-approval-id'))!;
    expect(await approval(first)).toMatchObject({ status: 'edited', decision: { approver: 'open' } });
    await tab.click('#approve');
    await tab.locator('#approval').waitFor({ state: 'detached' });
    await idle(tab);
    expect(await approval(second)).toMatchObject({ status: 'approved' });
    expect(refundsOf(api.services, 1004).map((refund) => refund.amount_cents)).toEqual([60_000]);
    expect(await tab.locator('#error').count()).toBe(0);
    await tab.close();
  });

  it('reopens a thread from the history list and shows its conversation', async () => {
    const threads = (await (await fetch(`${api.url}/threads/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as Array<{ thread_id: string }>;
    expect(threads.length).toBeGreaterThanOrEqual(3);
    const tab = await open(api.url, 'supervisor');
    await tab.click('#refresh-threads');
    // The thread where the refund was rejected: its answer carries the manager's message.
    const rejected = await Promise.all(threads.map(async ({ thread_id }) => {
      const state = (await (await fetch(`${api.url}/threads/${thread_id}/state`)).json()) as { values?: { messages?: Array<{ content: unknown }> } };
      return JSON.stringify(state.values?.messages ?? []).includes('Store credit was already given') ? thread_id : undefined;
    }));
    const threadId = rejected.find(Boolean)!;
    await tab.click(`button[data-thread-id="${threadId}"]`);
    await tab.locator('#messages li').nth(1).waitFor();
    expect(await threadIdOf(tab)).toBe(threadId);
    expect(await tab.locator('#messages li[data-type="human"]').first().innerText()).toBe(lateRefund);
    expect((await answers(tab)).at(-1)).toContain('Store credit was already given');
    expect(await tab.locator('#approval').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await tab.close();
  });
});
