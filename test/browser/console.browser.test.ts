import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  askForRefund, callApi, chromiumPath, consoleKeys, hasChromium, launchConsoleBrowser, signConsoleJwt, signIn, startConsoleServer, waitUntil,
  type ConsoleBrowser, type ConsoleServer,
} from '../support/console-fixture.ts';
import { refundsOf } from '../support/test-services.ts';

/*
 * The operator console (/console) in headless Chromium (Debian's, driven by playwright-core)
 * against a real listening server with API keys: an approver signs in and decides refunds that
 * customers' runs wait on, and the outcome is checked in the store and through the API. Nothing
 * may leave 127.0.0.1.
 */

// CI installs chromium (.ci/run); there a missing browser is a failure, not a skip.
const required = process.env.CI !== undefined || process.env.BROWSER_TESTS === 'required';
if (!hasChromium() && required) throw new Error(`${chromiumPath} is missing; install Debian's chromium (apt-get install -y chromium) to run the browser tests`);
if (!hasChromium()) console.warn(`Skipping the console browser tests: ${chromiumPath} is missing (apt-get install -y chromium)`);

const fixtures = path.resolve(import.meta.dirname, '../fixtures/langgraph.json');
// The inbox refreshes every 2 s: wait for what the page shows for longer than vitest's 1 s default.
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000 });

interface Thread { status: string }
interface StateMessage { type?: string; content: unknown }
interface ApprovalRecord { id: string; status: string; decision: { approver: string; reason?: string } | null }

describe.skipIf(!hasChromium())('the operator console in headless Chromium', () => {
  let server: ConsoleServer;
  let slowServer: ConsoleServer;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    [server, slowServer, browser] = await Promise.all([startConsoleServer(), startConsoleServer({ LANGGRAPH_CONFIG: fixtures }), launchConsoleBrowser()]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.close(), slowServer?.close()]);
    expect(browser?.external ?? []).toEqual([]);
  });

  const card = (page: Page, approvalId: string) => page.locator(`article.approval[data-approval-id="${approvalId}"]`);

  /** A refund above $500 appears in the inbox while its run waits; returns its id. */
  async function pendingRefund(page: Page, orderId: number): Promise<{ approvalId: string; threadId: string }> {
    const { threadId } = await askForRefund(server, orderId);
    const inbox = page.locator(`article.approval:has-text("order ${orderId}")`);
    await inbox.waitFor();
    expect(await callApi<Thread>(server, 'GET', `/threads/${threadId}`, consoleKeys.support)).toMatchObject({ status: 'interrupted' });
    return { approvalId: (await inbox.getAttribute('data-approval-id'))!, threadId };
  }

  const settled = (threadId: string) => waitUntil(`thread ${threadId} to finish`, async () => {
    const thread = await callApi<Thread>(server, 'GET', `/threads/${threadId}`, consoleKeys.support);
    return thread.status === 'idle' && thread;
  });

  async function lastAnswer(threadId: string): Promise<string> {
    const state = await callApi<{ values: { messages: StateMessage[] } }>(server, 'GET', `/threads/${threadId}/state`, consoleKeys.support);
    const answer = state.values.messages.filter((message) => message.type === 'ai').at(-1);
    return typeof answer?.content === 'string' ? answer.content : JSON.stringify(answer?.content);
  }

  it('refuses an unknown key in words, then signs in with a key kept for the tab only (never in localStorage)', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/console`);
    await page.fill('#credential', 'not-a-key-of-this-server');
    await page.click('#sign-in');
    await poll(() => page.locator('.sign-in [role="alert"]').innerText()).toContain('did not accept your key');
    await page.fill('#credential', consoleKeys.manager);
    await page.click('#sign-in');
    await page.waitForSelector('#screen[data-screen="approvals"]');
    await page.reload();
    await page.waitForSelector('#screen[data-screen="approvals"]');
    const storage = await page.evaluate(() => ({ local: JSON.stringify(localStorage), session: Object.keys(sessionStorage) }));
    expect(storage.local).not.toContain(consoleKeys.manager);
    expect(storage.local).toBe('{}');
    expect(storage.session).toHaveLength(1);
    await page.close();
  });

  it('shows a waiting refund above $500 with its arguments in dollars, policy, verdict and requester; approving it completes the run with exactly one refund, and the audit names the approver', async () => {
    const page = await browser.newPage();
    await signIn(page, server, consoleKeys.manager);
    const orderId = server.lateOrders[0]!;
    const { approvalId, threadId } = await pendingRefund(page, orderId);
    const approval = card(page, approvalId);
    expect(await approval.getAttribute('data-tool')).toBe('issue_refund');
    expect(await approval.locator('[data-argument="amountCents"]').innerText()).toContain('$842.00');
    expect(JSON.parse(await approval.locator(`#approval-${approvalId}-args`).textContent() ?? '')).toMatchObject({ orderId, amountCents: 84_200 });
    expect(await approval.locator('[data-field="policy"]').innerText()).toBe('refund-above-500');
    expect(await approval.locator('[data-field="verdict"]').innerText()).toBe('pass');
    expect(await approval.locator('[data-field="requested-by"]').innerText()).toBe('support-bot');
    expect(await approval.locator('[data-expiry]').innerText()).toMatch(/^Expires /);
    // The evidence: the order facts the rules judged, and the policy passages the thread cited.
    await approval.getByText('Evidence: the facts the rules judged').click();
    expect(await approval.locator('.evidence [data-fact="paidCents"]').innerText()).toContain('$842.00');
    await approval.getByText('Evidence: cited passages').click();
    await approval.locator('[data-field="citation"][data-chunk-id^="refund-policy#"]').first().waitFor();
    // The actions are reachable by label, as a screen reader names them.
    const approve = page.getByRole('button', { name: `Approve issue_refund of $842.00 on order ${orderId}` });
    await approve.focus();
    await page.keyboard.press('Enter');
    await approval.waitFor({ state: 'detached' });
    await settled(threadId);
    expect(refundsOf(server.services, orderId).map((refund) => refund.amount_cents)).toEqual([84_200]);
    expect(await callApi<ApprovalRecord>(server, 'GET', `/approvals/${approvalId}`, consoleKeys.manager)).toMatchObject({ status: 'approved', decision: { approver: 'manager@acme' } });
    // The decision is in the inbox's "Decided" list and in the audit trail, by the approver.
    await poll(() => page.locator(`#decided tr[data-approval-id="${approvalId}"] [data-field="approver"]`).innerText()).toBe('manager@acme');
    await page.goto(`${server.url}/console#/audit`);
    await page.fill('#filter-thread_id', threadId);
    await page.selectOption('#filter-action', 'approval.decided');
    await page.click('#apply-filters');
    const rows = page.locator('#audit-records tbody tr[data-type="approval.decided"]');
    await poll(() => rows.count()).toBe(1);
    expect(await rows.locator('[data-field="actor"]').innerText()).toBe('manager@acme');
    await page.close();
  });

  it('edits the amount to one under the threshold through the generated form: the edited amount is refunded', async () => {
    const page = await browser.newPage();
    await signIn(page, server, consoleKeys.manager);
    const orderId = server.lateOrders[1]!;
    const { approvalId, threadId } = await pendingRefund(page, orderId);
    const approval = card(page, approvalId);
    await approval.locator('[data-action="edit"]').click();
    const amount = page.locator(`#approval-${approvalId}-edit-amountCents`);
    expect(await amount.inputValue()).toBe('84200');
    // Checked in the form before it is sent, in words.
    await amount.fill('');
    await approval.locator('[data-action="submit-edit"]').click();
    expect(await page.locator(`#approval-${approvalId}-edit-amountCents-problem`).innerText()).toBe('amountCents is required');
    await amount.fill('40000');
    expect(await page.locator(`#approval-${approvalId}-edit-amountCents-dollars`).innerText()).toBe('= $400.00');
    await approval.locator('[data-action="submit-edit"]').click();
    await approval.waitFor({ state: 'detached' });
    await settled(threadId);
    expect(refundsOf(server.services, orderId).map((refund) => refund.amount_cents)).toEqual([40_000]);
    expect(await callApi<ApprovalRecord>(server, 'GET', `/approvals/${approvalId}`, consoleKeys.manager)).toMatchObject({ status: 'edited', decision: { approver: 'manager@acme' } });
    await page.close();
  });

  it('rejects with a message: the run ends telling the customer, and nothing is refunded', async () => {
    const page = await browser.newPage();
    await signIn(page, server, consoleKeys.manager);
    const orderId = server.lateOrders[2]!;
    const { approvalId, threadId } = await pendingRefund(page, orderId);
    const approval = card(page, approvalId);
    await approval.locator('[data-action="reject"]').click();
    const message = 'Store credit was already given for this order';
    await page.fill(`#approval-${approvalId}-message`, message);
    await approval.locator('[data-action="submit-reject"]').click();
    await approval.waitFor({ state: 'detached' });
    await settled(threadId);
    expect(await lastAnswer(threadId)).toContain(message);
    expect(refundsOf(server.services, orderId)).toEqual([]);
    await poll(() => page.locator(`#decided tr[data-approval-id="${approvalId}"]`).getAttribute('data-decision')).toBe('reject');
    await page.close();
  });

  it('updates live when an approval is decided elsewhere, saying by whom', async () => {
    const page = await browser.newPage();
    await signIn(page, server, consoleKeys.manager);
    const orderId = server.lateOrders[3]!;
    const { approvalId, threadId } = await pendingRefund(page, orderId);
    // Another approver rejects it through the API while this page shows it.
    await callApi(server, 'POST', `/approvals/${approvalId}`, consoleKeys.support, { decision: 'reject', reason: 'Decided by phone' });
    const closed = page.locator(`article.closed-approval[data-approval-id="${approvalId}"] [data-field="closed-message"]`);
    await closed.waitFor();
    expect(await closed.innerText()).toBe('It was rejected by support-bot ("Decided by phone").');
    expect(await card(page, approvalId).count()).toBe(0);
    await settled(threadId);
    expect(refundsOf(server.services, orderId)).toEqual([]);
    await page.close();
  });

  it('fits a phone-sized screen and lets the approval actions be reached with the keyboard', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, server, consoleKeys.manager);
    const { approvalId } = await pendingRefund(page, server.lateOrders[5]!);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
    // Tab from the page's start until the approve button of this approval has the focus.
    const approveLabel = `Approve issue_refund of $842.00 on order ${server.lateOrders[5]}`;
    const focused = await waitUntil('the approve button to take the focus', async () => {
      await page.keyboard.press('Tab');
      const label = await page.evaluate('document.activeElement && document.activeElement.getAttribute("aria-label")');
      return label === approveLabel && label;
    }, 20_000);
    expect(focused).toBe(approveLabel);
    const group = card(page, approvalId).getByRole('group', { name: `Decide issue_refund of $842.00 on order ${server.lateOrders[5]}` });
    expect(await group.getByRole('button').count()).toBe(3);
    expect(await card(page, approvalId).getByRole('button', { name: approveLabel }).isVisible()).toBe(true);
    // Reject it by keyboard: Tab to "Reject…", Enter, type the message, Enter on the submit.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const message = page.locator(`#approval-${approvalId}-message`);
    await message.focus();
    await page.keyboard.type('Refund sent by cheque instead');
    await card(page, approvalId).locator('[data-action="submit-reject"]').focus();
    await page.keyboard.press('Enter');
    await card(page, approvalId).waitFor({ state: 'detached' });
    expect(await callApi<ApprovalRecord>(server, 'GET', `/approvals/${approvalId}`, consoleKeys.manager)).toMatchObject({ status: 'rejected', decision: { reason: 'Refund sent by cheque instead' } });
    await page.close();
  });

  it('signs in with a JWT too, and says in words what its scopes do not allow', async () => {
    const page = await browser.newPage();
    const token = await signConsoleJwt('auditor@acme', 'acme', ['approvals:read', 'audit:read']);
    await signIn(page, server, token);
    const { approvalId } = await pendingRefund(page, server.lateOrders[6]!);
    await card(page, approvalId).locator('[data-action="approve"]').click();
    const refusal = card(page, approvalId).locator('.decision-error [role="alert"]');
    await refusal.waitFor();
    expect(await refusal.innerText()).toBe('This token lacks the "approvals:write" scope');
    // Without threads:read the thread's cited passages are not shown, and the card says why.
    expect(await card(page, approvalId).locator('.citations').count()).toBe(0);
    await card(page, approvalId).getByText('Evidence: cited passages').click();
    expect(await card(page, approvalId).locator('details [role="alert"]').innerText()).toBe('This token lacks the "threads:read" scope');
    expect(await callApi<ApprovalRecord>(server, 'GET', `/approvals/${approvalId}`, consoleKeys.manager)).toMatchObject({ status: 'pending' });
    // A screen its scopes do not cover says so too.
    await page.goto(`${server.url}/console#/usage`);
    await page.locator('#screen [role="alert"]').waitFor();
    expect(await page.locator('#screen [role="alert"]').innerText()).toBe('This token lacks the "usage:read" scope');
    await page.close();
  });

  it('shows another tenant none of it', async () => {
    const page = await browser.newPage();
    await signIn(page, server, consoleKeys.globex);
    await page.waitForSelector('#pending .empty');
    expect(await page.locator('#pending .empty').innerText()).toBe('Nothing waits for approval.');
    expect(await page.locator('#decided .empty').innerText()).toBe('No approval was decided yet.');
    await page.goto(`${server.url}/console#/runs`);
    expect(await page.locator('#screen .empty').innerText()).toBe('No runs yet.');
    await page.goto(`${server.url}/console#/audit`);
    expect(await page.locator('#screen .empty').innerText()).toBe('No audit records match.');
    await page.goto(`${server.url}/console#/usage`);
    expect(await page.locator('#screen .empty').innerText()).toBe('No model calls in this period.');
    await page.close();
  });

  it("streams a run's events live on its page, and cancels it", async () => {
    const { thread_id: threadId } = await callApi<{ thread_id: string }>(slowServer, 'POST', '/threads', consoleKeys.support, {});
    const { run_id: runId } = await callApi<{ run_id: string }>(slowServer, 'POST', `/threads/${threadId}/runs`, consoleKeys.support, {
      assistant_id: 'slow',
      input: { count: 10_000, delayMs: 100 },
      stream_mode: ['updates'],
    });
    const page = await browser.newPage();
    await signIn(page, slowServer, consoleKeys.manager, `runs/${threadId}/${runId}`);
    // The run never ends by itself, so events on the page arrived while it ran.
    await page.locator('#events li[data-event="updates"]').nth(2).waitFor();
    expect(await page.locator('#streaming').count()).toBe(1);
    expect(await page.locator('#events li[data-event="updates"]').first().innerText()).toContain('work');
    await page.getByRole('button', { name: 'Cancel this run' }).click();
    await page.waitForSelector('#run-facts:not([data-status="running"]):not([data-status="pending"])');
    const run = await callApi<{ status: string }>(slowServer, 'GET', `/threads/${threadId}/runs/${runId}`, consoleKeys.support);
    expect(run.status).not.toMatch(/running|pending/);
    expect(await page.locator('#run-status').innerText()).toBe(run.status);
    await page.close();
  });

  it('lists runs with status and usage, and opens a finished one with its steps and answer', async () => {
    const [finished] = await callApi<Array<{ run_id: string; thread_id: string }>>(server, 'GET', '/console-api/runs?status=success&limit=1', consoleKeys.manager);
    // 21 newer threads without runs: the finished run's thread is no longer among the 20 newest.
    const newer = new Set<string>();
    for (let index = 0; index < 21; index += 1) newer.add((await callApi<{ thread_id: string }>(server, 'POST', '/threads', consoleKeys.support, {})).thread_id);
    expect(finished && newer.has(finished.thread_id)).toBe(false);
    const page = await browser.newPage();
    await signIn(page, server, consoleKeys.manager, 'runs');
    await page.locator(`#runs tr[data-run-id="${finished!.run_id}"]`).waitFor();
    const success = page.locator('#runs tr[data-status="success"]').first();
    await success.waitFor();
    expect(await success.locator('td').nth(5).innerText()).toMatch(/^\d[\d,]* \/ \d/);
    await success.locator('a').first().click();
    await page.locator('#steps li[data-type="run.finished"]').waitFor();
    expect(await page.locator('#run-answer').innerText()).not.toBe('');
    await page.close();
  });

  it('renders the usage charts for the day of seeded runs', async () => {
    const page = await browser.newPage();
    await signIn(page, server, consoleKeys.manager, 'usage');
    for (const by of ['day', 'agent', 'model']) await page.locator(`#usage-${by} canvas`).waitFor();
    expect(await page.locator('#usage-day').getAttribute('data-points')).toBe('1');
    expect(Number(await page.locator('#usage-agent').getAttribute('data-points'))).toBeGreaterThanOrEqual(3);
    // The canvas was drawn on: some pixel is not blank.
    // A string, so this DOM code needs no DOM types in the Node test's tsconfig.
    const drawn = await page.evaluate(`(() => {
      const canvas = document.querySelector('#usage-agent canvas');
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      return pixels.some((value, index) => index % 4 === 3 && value > 0);
    })()`);
    expect(drawn).toBe(true);
    const { totals } = await callApi<{ totals: { input_tokens: number } }>(server, 'GET', '/usage', consoleKeys.manager);
    expect(await page.locator('#usage-totals').innerText()).toContain(totals.input_tokens.toLocaleString('en-US'));
    await page.close();
  });

  it('says an approval expired once the server\'s clock passes its expiry, and the server refuses it', async () => {
    const page = await browser.newPage();
    await signIn(page, server, consoleKeys.manager);
    const { approvalId } = await pendingRefund(page, server.lateOrders[4]!);
    server.advanceClock(25 * 60 * 60 * 1000);
    const closed = page.locator(`article.closed-approval[data-approval-id="${approvalId}"] [data-field="closed-message"]`);
    await closed.waitFor();
    expect(await closed.innerText()).toMatch(/^It expired at .+ before anyone decided it; it can no longer be approved\.$/);
    const refused = await fetch(`${server.url}/approvals/${approvalId}`, { method: 'POST', headers: { 'x-api-key': consoleKeys.manager, 'content-type': 'application/json' }, body: '{"decision":"approve"}' });
    expect(refused.status).toBe(409);
    expect(refundsOf(server.services, server.lateOrders[4]!)).toEqual([]);
    await page.close();
  });

  it('verifies the audit chain, and names a record a test edited in the store as broken', async () => {
    const page = await browser.newPage();
    await signIn(page, server, consoleKeys.manager, 'audit');
    await page.click('#verify-chain');
    await page.waitForSelector('#verification[data-ok="true"]');
    // Paging newest first: the second page starts below the first page's last record.
    const firstPage = await page.locator('#audit-records tbody tr').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-seq'))));
    expect(firstPage).toEqual([...firstPage].sort((first, second) => second - first));
    await page.click('#older');
    await poll(async () => Number(await page.locator('#audit-records tbody tr').first().getAttribute('data-seq'))).toBe(firstPage.at(-1)! - 1);
    await page.click('#newer');
    // An attacker with database access edits record 3 of the tenant, past the triggers.
    server.services.database.exec('DROP TRIGGER IF EXISTS audit_log_no_update');
    server.services.database.prepare("UPDATE audit_log SET actor = 'intern@acme' WHERE tenant_id = 'acme' AND seq = 3").run();
    await page.click('#verify-chain');
    await page.waitForSelector('#verification[data-ok="false"]');
    expect(await page.locator('#verification li[data-seq="3"]').innerText()).toMatch(/^Record #3 \(edited\)/);
    await page.close();
    expect(browser.pageErrors).toEqual([]);
  });
});
