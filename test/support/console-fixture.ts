import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { addTrialOrders } from '../../bench/fixtures/crash-trial-orders.ts';
import { ordersReferenceDate } from '../../src/domains/brightcart/index.ts';
import { startTestServer, type TestServer } from './test-server.ts';

/**
 * What the console's browser test and its screenshot script share: a real listening server
 * with keys for two tenants, copies of a late $842.00 order (each refundable once), customers'
 * runs that stop for approval, and headless Chromium (Debian's) that may reach 127.0.0.1 only.
 */

export const chromiumPath = '/usr/bin/chromium';
const flags = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

export const consoleKeys = {
  support: 'acme-support-key-0123456789abcdef',
  manager: 'acme-manager-key-0123456789abcdef',
  globex: 'globex-ops-key-0123456789abcdef',
};

/** The approver's key holds what the console needs and no more; the support bot's runs ask. */
/** JWT verification beside the keys: an HS256 secret, issuer and audience (`signConsoleJwt`). */
export const consoleJwtEnvironment = {
  JWT_SECRET: 'console-test-secret-0123456789abcdef',
  JWT_ISSUER: 'https://issuer.test',
  JWT_AUDIENCE: 'overseer-console',
};

/** A token for `tenant` with `scopes`, whose `sub` names the caller. */
export async function signConsoleJwt(subject: string, tenant: string, scopes: string[]): Promise<string> {
  return new SignJWT({ tenant, scope: scopes.join(' ') })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer(consoleJwtEnvironment.JWT_ISSUER)
    .setAudience(consoleJwtEnvironment.JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(consoleJwtEnvironment.JWT_SECRET));
}

export const consoleApiKeys = JSON.stringify([
  { key: consoleKeys.support, tenant: 'acme', scopes: ['*'], name: 'support-bot' },
  {
    key: consoleKeys.manager,
    tenant: 'acme',
    name: 'manager@acme',
    scopes: ['approvals:read', 'approvals:write', 'audit:read', 'runs:read', 'runs:write', 'threads:read', 'usage:read'],
  },
  { key: consoleKeys.globex, tenant: 'globex', scopes: ['*'], name: 'globex-ops' },
]);

export interface ConsoleServer extends TestServer {
  /** Order ids of $842.00 late orders, one per refund the test asks for. */
  lateOrders: number[];
  /** Move the service's clock (approvals expire by it); it starts at the seeded orders' date. */
  advanceClock(milliseconds: number): void;
}

export async function startConsoleServer(environment: Record<string, string> = {}): Promise<ConsoleServer> {
  let now = ordersReferenceDate.getTime();
  const server = await startTestServer({ API_KEYS: consoleApiKeys, ...consoleJwtEnvironment, ...environment }, { clock: () => new Date(now) });
  const { above } = addTrialOrders(server.services.database, { above: 8, below: 0 });
  return { ...server, lateOrders: above, advanceClock: (milliseconds) => { now += milliseconds; } };
}

/** A JSON call with a key, failing loudly on an error answer. */
export async function callApi<T>(server: TestServer, method: string, route: string, key: string, body?: unknown): Promise<T> {
  const response = await fetch(server.url + route, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A customer asks (through the support bot's key) for a refund of a late order; returns once the run waits for approval. */
export async function askForRefund(server: TestServer, orderId: number): Promise<{ threadId: string; runId: string }> {
  const { thread_id: threadId } = await callApi<{ thread_id: string }>(server, 'POST', '/threads', consoleKeys.support, {});
  const { run_id: runId } = await callApi<{ run_id: string }>(server, 'POST', `/threads/${threadId}/runs`, consoleKeys.support, {
    assistant_id: 'supervisor',
    input: { messages: [{ role: 'user', content: `Refund order ${orderId} because it arrived late.` }] },
  });
  await callApi(server, 'GET', `/threads/${threadId}/runs/${runId}/join`, consoleKeys.support);
  const run = await callApi<{ status: string }>(server, 'GET', `/threads/${threadId}/runs/${runId}`, consoleKeys.support);
  if (run.status !== 'interrupted') throw new Error(`The refund run of order ${orderId} ended ${run.status}, not waiting for approval`);
  return { threadId, runId };
}

/** Wait (without a time assertion) until `check` holds; gives up after `limitMs` with `what`. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined | false>, limitMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > limitMs) throw new Error(`Gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface ConsoleBrowser {
  context: BrowserContext;
  /** URLs the page tried to reach beyond 127.0.0.1 (refused). */
  external: string[];
  pageErrors: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export function hasChromium(): boolean {
  return existsSync(chromiumPath);
}

export async function launchConsoleBrowser(): Promise<ConsoleBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'overseer-console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: flags, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(20_000);
  const external: string[] = [];
  const pageErrors: string[] = [];
  await context.route('**/*', async (route) => {
    if (new URL(route.request().url()).hostname === '127.0.0.1') return route.continue();
    external.push(route.request().url());
    return route.abort();
  });
  return {
    context,
    external,
    pageErrors,
    async newPage() {
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      if (process.env.DEBUG_BROWSER) page.on('console', (message) => console.log('[page]', message.type(), message.text()));
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Open the console and sign in with `key`. */
export async function signIn(page: Page, server: TestServer, key: string, screen = 'approvals'): Promise<void> {
  await page.goto(`${server.url}/console#/${screen}`);
  await page.fill('#credential', key);
  await page.click('#sign-in');
  await page.waitForSelector(`#screen[data-screen="${screen.split('/')[0]}"]`);
}
