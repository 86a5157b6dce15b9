import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  askForRefund, callApi, consoleKeys, hasChromium, chromiumPath, launchConsoleBrowser, signIn, startConsoleServer, waitUntil,
} from '../support/console-fixture.ts';

/*
 * `npm run console:screenshots`: one PNG per console screen into docs/console/, from a real
 * server seeded like the browser test (refunds waiting, decided, a finished question, a live
 * run), in headless Chromium at 1280 px, and the inbox at phone width too.
 */

if (!hasChromium()) throw new Error(`${chromiumPath} is missing; install Debian's chromium (apt-get install -y chromium)`);
const out = path.resolve(import.meta.dirname, '../../docs/console');
mkdirSync(out, { recursive: true });
const fixtures = path.resolve(import.meta.dirname, '../fixtures/langgraph.json');

const server = await startConsoleServer();
const slowServer = await startConsoleServer({ LANGGRAPH_CONFIG: fixtures });
const browser = await launchConsoleBrowser();
const shots: string[] = [];

async function shoot(page: Page, name: string) {
  // Fonts and the last refresh settle; screenshots are not timed assertions.
  await page.waitForLoadState('networkidle').catch(() => undefined);
  const file = path.join(out, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  shots.push(path.relative(process.cwd(), file));
}

try {
  const [approved, rejected, waiting, alsoWaiting] = await Promise.all(server.lateOrders.slice(0, 4).map((orderId) => askForRefund(server, orderId)));
  const approvalOf = async (threadId: string) => (await callApi<Array<{ id: string; thread_id: string }>>(server, 'GET', '/approvals', consoleKeys.manager)).find((approval) => approval.thread_id === threadId)!.id;
  await callApi(server, 'POST', `/approvals/${await approvalOf(approved!.threadId)}`, consoleKeys.manager, { decision: 'approve' });
  await callApi(server, 'POST', `/approvals/${await approvalOf(rejected!.threadId)}`, consoleKeys.manager, { decision: 'reject', reason: 'Store credit was already given for this order' });
  const { thread_id: questionThread } = await callApi<{ thread_id: string }>(server, 'POST', '/threads', consoleKeys.support, {});
  const question = await callApi<{ run_id: string }>(server, 'POST', `/threads/${questionThread}/runs`, consoleKeys.support, {
    assistant_id: 'supervisor', input: { messages: [{ role: 'user', content: 'How long do refunds take to arrive?' }] },
  });
  await callApi(server, 'GET', `/threads/${questionThread}/runs/${question.run_id}/join`, consoleKeys.support);
  for (const { threadId } of [approved!, rejected!]) {
    await waitUntil('the decided runs to finish', async () => (await callApi<{ status: string }>(server, 'GET', `/threads/${threadId}`, consoleKeys.support)).status === 'idle');
  }

  const page = await browser.newPage();
  await page.goto(`${server.url}/console`);
  await page.fill('#credential', 'acme-manager-key-••••');
  await shoot(page, 'sign-in');
  await signIn(page, server, consoleKeys.manager);
  await page.locator('article.approval').nth(1).waitFor();
  await page.locator('#decided tbody tr').nth(1).waitFor();
  // The first card with its evidence open: the facts the rules judged and the cited passages.
  await page.locator('article.approval').first().getByText('Evidence: the facts the rules judged').click();
  await page.locator('article.approval').first().getByText('Evidence: cited passages').click();
  await page.locator('article.approval').first().locator('[data-field="citation"]').first().waitFor();
  await shoot(page, 'approvals');
  await page.locator('article.approval').first().locator('[data-action="edit"]').click();
  await page.locator('article.approval').first().locator('input[name="amountCents"]').fill('40000');
  await page.locator('article.approval').first().scrollIntoViewIfNeeded();
  await shoot(page, 'approval-edit');

  const phone = await browser.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await signIn(phone, server, consoleKeys.manager);
  await phone.locator('article.approval').first().waitFor();
  await shoot(phone, 'approvals-phone');
  await phone.close();

  await page.goto(`${server.url}/console#/runs`);
  await page.locator('#runs tbody tr').nth(3).waitFor();
  await shoot(page, 'runs');
  await page.goto(`${server.url}/console#/runs/${questionThread}/${question.run_id}`);
  await page.locator('#steps li').nth(2).waitFor();
  await page.locator('#run-answer').waitFor();
  await shoot(page, 'run-finished');
  await page.goto(`${server.url}/console#/threads/${waiting!.threadId}`);
  await page.locator('#pending-interrupt').waitFor();
  await page.locator('#checkpoints tbody tr').nth(2).waitFor();
  await shoot(page, 'thread');
  void alsoWaiting;

  await page.goto(`${server.url}/console#/audit`);
  await page.locator('#audit-records tbody tr').nth(5).waitFor();
  server.services.database.exec('DROP TRIGGER IF EXISTS audit_log_no_update');
  server.services.database.prepare("UPDATE audit_log SET actor = 'intern@acme' WHERE tenant_id = 'acme' AND seq = 3").run();
  await page.click('#verify-chain');
  await page.waitForSelector('#verification[data-ok="false"]');
  await shoot(page, 'audit');

  await page.goto(`${server.url}/console#/usage`);
  await page.locator('#usage-model canvas').waitFor();
  await shoot(page, 'usage');

  const { thread_id: slowThread } = await callApi<{ thread_id: string }>(slowServer, 'POST', '/threads', consoleKeys.support, {});
  const slowRun = await callApi<{ run_id: string }>(slowServer, 'POST', `/threads/${slowThread}/runs`, consoleKeys.support, {
    assistant_id: 'slow', input: { count: 10_000, delayMs: 150 }, stream_mode: ['updates', 'custom'],
  });
  const live = await browser.newPage();
  await signIn(live, slowServer, consoleKeys.manager, `runs/${slowThread}/${slowRun.run_id}`);
  await live.locator('#events li').nth(8).waitFor();
  await live.screenshot({ path: path.join(out, 'run-live.png'), fullPage: false });
  shots.push(path.relative(process.cwd(), path.join(out, 'run-live.png')));
  await callApi(slowServer, 'POST', `/threads/${slowThread}/runs/${slowRun.run_id}/cancel?wait=true`, consoleKeys.manager);
  if (browser.external.length > 0) throw new Error(`The console tried to reach beyond this machine: ${browser.external.join(', ')}`);
  console.log(shots.join('\n'));
} finally {
  await browser.close();
  await Promise.all([server.close(), slowServer.close()]);
}
