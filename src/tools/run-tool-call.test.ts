import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { openDatabase } from '../storage/index.ts';
import { hashArguments } from './canonical-json.ts';
import { defineTool, type ToolDefinition } from './define-tool.ts';
import { createOrderTools, orderScopes, ordersReferenceDate, seedOrders } from '../domains/brightcart/index.ts';
import { runToolCall, type ToolCallContext, type ToolGuard } from './run-tool-call.ts';
import { createSqliteEffectLedger } from './sqlite-effect-ledger.ts';
import { ToolError } from './tool-error.ts';
import { createToolRegistry } from './tool-registry.ts';

const allScopes = Object.values(orderScopes);

function setup(extraTools: ToolDefinition[] = []) {
  const database = openDatabase(':memory:', { vectors: false });
  seedOrders(database);
  const registry = createToolRegistry([...createOrderTools({ database, clock: () => ordersReferenceDate }), ...extraTools]);
  const ledger = createSqliteEffectLedger(database);
  const refundRowsOf = (orderId: number) =>
    (database.prepare('SELECT COUNT(*) AS count FROM refunds WHERE order_id = ?').get(orderId) as { count: number }).count;
  return { database, registry, ledger, refundRowsOf };
}

function contextFor(overrides: Partial<ToolCallContext> = {}): ToolCallContext {
  return { tenantId: 'tenant-1', scopes: [...allScopes, 'test:run'], idempotencyKey: randomUUID(), ...overrides };
}

const refundCall = { id: 'call-1', name: 'issue_refund', args: { orderId: 1001, amountCents: 12999, reason: 'late_delivery', note: 'Full refund requested' } };

describe('runToolCall', () => {
  it('reports an unknown tool and lists the tools the caller may use', async () => {
    const { registry, ledger } = setup();
    const outcome = await runToolCall({ registry, ledger, call: { id: 'c', name: 'drop_tables', args: {} }, context: contextFor({ scopes: [orderScopes.read] }) });
    expect(outcome).toEqual({ status: 'unknown_tool', message: expect.stringContaining('lookup_order, check_shipment_sla, compute_late_penalty') });
    expect(outcome.status === 'unknown_tool' && outcome.message).not.toContain('issue_refund');
  });

  it('forbids a tool whose scopes the caller lacks, before validating or running it', async () => {
    const { registry, ledger, refundRowsOf } = setup();
    const context = contextFor({ scopes: [orderScopes.read] });
    const outcome = await runToolCall({ registry, ledger, call: { ...refundCall, args: { nonsense: true } }, context });
    expect(outcome).toEqual({ status: 'forbidden', message: expect.stringContaining('refunds:write') });
    expect(refundRowsOf(1001)).toBe(0);
    expect(await ledger.get(context.idempotencyKey)).toBeUndefined();
  });

  it('returns per-field issues for invalid arguments and claims nothing', async () => {
    const { registry, ledger } = setup();
    const context = contextFor();
    const outcome = await runToolCall({ registry, ledger, call: { ...refundCall, args: { orderId: 1001, amountCents: 0, reason: 'late_delivery', approvedBy: 'me' } }, context });
    expect(outcome.status === 'invalid' && outcome.issues.map((issue) => issue.field)).toEqual(['amountCents', 'approvedBy']);
    expect(await ledger.get(context.idempotencyKey)).toBeUndefined();
  });

  it('runs a refund exactly once for one idempotency key and replays the recorded result', async () => {
    const { registry, ledger, refundRowsOf } = setup();
    const context = contextFor();
    const first = await runToolCall({ registry, ledger, call: refundCall, context });
    const second = await runToolCall({ registry, ledger, call: refundCall, context });
    expect(first).toMatchObject({ status: 'ok', replayed: false, result: { orderId: 1001, amountCents: 12999, refundableRemainingCents: 0 } });
    expect(second).toEqual({ status: 'ok', replayed: true, result: (first as { result: unknown }).result });
    expect(refundRowsOf(1001)).toBe(1);
    expect(await ledger.get(context.idempotencyKey)).toMatchObject({ status: 'done', toolName: 'issue_refund', argsHash: hashArguments(refundCall.args) });
  });

  it('surfaces a started-but-unfinished entry as in doubt when the tool cannot reconcile, and does not run it again', async () => {
    let runs = 0;
    const transfer = defineTool({ name: 'transfer', description: 'x', risk: 'irreversible', input: z.strictObject({ cents: z.number().int() }), async execute() { runs += 1; return 1; } });
    const { registry, ledger } = setup([transfer]);
    const context = contextFor();
    // A crash between `started` and `done` leaves exactly this behind.
    await ledger.begin(context.idempotencyKey, { toolName: 'transfer', argsHash: hashArguments({ cents: 5 }), tenantId: context.tenantId });
    const outcome = await runToolCall({ registry, ledger, call: { id: 't', name: 'transfer', args: { cents: 5 } }, context });
    expect(outcome).toEqual({ status: 'in_doubt', message: expect.stringContaining('no recorded result') });
    expect(runs).toBe(0);
  });

  it('reconciles a started-but-unfinished refund that left no row by releasing the key and refunding once', async () => {
    const { registry, ledger, refundRowsOf } = setup();
    const context = contextFor();
    await ledger.begin(context.idempotencyKey, { toolName: 'issue_refund', argsHash: hashArguments(refundCall.args), tenantId: context.tenantId });
    const outcome = await runToolCall({ registry, ledger, call: refundCall, context });
    expect(outcome).toMatchObject({ status: 'ok', replayed: false, result: { orderId: 1001, amountCents: 12999 } });
    expect(refundRowsOf(1001)).toBe(1);
    expect(await ledger.get(context.idempotencyKey)).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('settles an in-doubt refund that went through before the guards judge it: replayed, not refused for leaving nothing to refund', async () => {
    const { registry, ledger, refundRowsOf } = setup();
    const context = contextFor();
    // As a worker that died after the refund and before recording it leaves things: claimed, refunded, `started`.
    await ledger.begin(context.idempotencyKey, { toolName: 'issue_refund', argsHash: hashArguments(refundCall.args), tenantId: context.tenantId });
    await registry.get('issue_refund')!.execute(refundCall.args as never, { tenantId: context.tenantId, idempotencyKey: context.idempotencyKey });
    expect(refundRowsOf(1001)).toBe(1);
    let judged = 0;
    // A guard that sees the world now (order 1001 fully refunded) would refuse the call.
    const guard: ToolGuard = async () => {
      judged += 1;
      return { action: 'refuse', message: 'Nothing is left to refund on order 1001.' };
    };
    const outcome = await runToolCall({ registry, ledger, call: refundCall, context, guard });
    expect(outcome).toMatchObject({ status: 'ok', replayed: true, reconciled: true, result: { orderId: 1001, amountCents: 12999 } });
    expect(judged).toBe(0);
    expect(refundRowsOf(1001)).toBe(1);
    expect(await ledger.get(context.idempotencyKey)).toMatchObject({ status: 'done' });
  });

  it('refuses to reuse an idempotency key for different arguments', async () => {
    const { registry, ledger, refundRowsOf } = setup();
    const context = contextFor();
    await runToolCall({ registry, ledger, call: { ...refundCall, args: { ...refundCall.args, amountCents: 100 } }, context });
    const outcome = await runToolCall({ registry, ledger, call: refundCall, context });
    expect(outcome).toMatchObject({ status: 'failed', retryable: false });
    expect(refundRowsOf(1001)).toBe(1);
  });

  it('turns a ToolError into a readable failure and releases the claim', async () => {
    const { registry, ledger } = setup();
    const context = contextFor();
    const outcome = await runToolCall({ registry, ledger, call: { ...refundCall, args: { ...refundCall.args, amountCents: 13000 } }, context });
    expect(outcome).toEqual({ status: 'failed', retryable: false, message: expect.stringContaining('refundable remaining $129.99') });
    expect(await ledger.get(context.idempotencyKey)).toMatchObject({ status: 'failed' });
  });

  it('never shows raw exception text, and marks only idempotent tools retryable', async () => {
    const explode = async (): Promise<never> => { throw new Error('SQLITE_CORRUPT at /var/secret/path'); };
    const input = z.strictObject({});
    const idempotentWrite = defineTool({ name: 'idempotent_write', description: 'x', risk: 'write', idempotent: true, input, execute: explode });
    const plainWrite = defineTool({ name: 'plain_write', description: 'x', risk: 'write', input, execute: explode });
    const read = defineTool({ name: 'plain_read', description: 'x', risk: 'read', input, execute: explode });
    const { registry, ledger } = setup([idempotentWrite, plainWrite, read]);

    const idempotentContext = contextFor();
    const idempotent = await runToolCall({ registry, ledger, call: { id: 'a', name: 'idempotent_write', args: {} }, context: idempotentContext });
    expect(idempotent).toEqual({ status: 'failed', retryable: true, message: '"idempotent_write" failed unexpectedly.' });
    expect(await ledger.get(idempotentContext.idempotencyKey)).toMatchObject({ status: 'failed', errorMessage: expect.stringContaining('SQLITE_CORRUPT') });

    expect(await runToolCall({ registry, ledger, call: { id: 'b', name: 'plain_read', args: {} }, context: contextFor() }))
      .toEqual({ status: 'failed', retryable: true, message: '"plain_read" failed unexpectedly.' });

    // A non-idempotent write that failed unexpectedly may have taken effect: keep the claim.
    const plainContext = contextFor();
    const plain = await runToolCall({ registry, ledger, call: { id: 'c', name: 'plain_write', args: {} }, context: plainContext });
    expect(plain.status).toBe('in_doubt');
    expect(JSON.stringify(plain)).not.toContain('SQLITE_CORRUPT');
    expect(await ledger.get(plainContext.idempotencyKey)).toMatchObject({ status: 'started' });
  });

  it('does not touch the ledger for read tools', async () => {
    const { registry, ledger } = setup();
    const context = contextFor();
    const outcome = await runToolCall({ registry, ledger, call: { id: 'r', name: 'lookup_order', args: { orderId: 1001 } }, context });
    expect(outcome).toMatchObject({ status: 'ok', replayed: false, result: { orderId: 1001, totalCents: 12999 } });
    expect(await ledger.get(context.idempotencyKey)).toBeUndefined();
  });

  it('fails a read tool that exceeds its timeout as retryable and aborts its signal', async () => {
    let seenSignal: AbortSignal | undefined;
    const hang = defineTool({
      name: 'hang', description: 'x', risk: 'read', timeoutMs: 20, input: z.strictObject({}),
      execute: (_args, context) => { seenSignal = context.signal; return new Promise(() => {}); },
    });
    const { registry, ledger } = setup([hang]);
    const outcome = await runToolCall({ registry, ledger, call: { id: 'h', name: 'hang', args: {} }, context: contextFor() });
    expect(outcome).toEqual({ status: 'failed', retryable: true, message: '"hang" timed out after 20 ms.' });
    expect(seenSignal?.aborted).toBe(true);
  });

  it('leaves a timed-out write in doubt and records its result if it finishes late', async () => {
    const slowWrite = defineTool({
      name: 'slow_write', description: 'x', risk: 'write', timeoutMs: 20, input: z.strictObject({}),
      // Ignores the abort on purpose, like an upstream that completes after we gave up.
      execute: (_args, context) => new Promise((resolve) => {
        context.signal?.addEventListener('abort', () => setTimeout(() => resolve({ finished: 'late' }), 5));
      }),
    });
    const { registry, ledger } = setup([slowWrite]);
    const context = contextFor();
    const call = { id: 's', name: 'slow_write', args: {} };
    expect(await runToolCall({ registry, ledger, call, context })).toEqual({ status: 'in_doubt', message: expect.stringContaining('timed out after 20 ms') });
    await vi.waitFor(async () => expect(await ledger.get(context.idempotencyKey)).toMatchObject({ status: 'done' }));
    expect(await runToolCall({ registry, ledger, call, context })).toEqual({ status: 'ok', replayed: true, result: { finished: 'late' } });
  });

  it('does not start a tool when the caller already cancelled, and releases the claim', async () => {
    const { registry, ledger, refundRowsOf } = setup();
    const context = contextFor({ signal: AbortSignal.abort() });
    const outcome = await runToolCall({ registry, ledger, call: refundCall, context });
    expect(outcome).toEqual({ status: 'failed', retryable: true, message: '"issue_refund" was cancelled before it started.' });
    expect(refundRowsOf(1001)).toBe(0);
    expect(await ledger.get(context.idempotencyKey)).toMatchObject({ status: 'failed' });
  });

  it('asks the guard with the validated arguments and their hash, and honours a refusal', async () => {
    const { registry, ledger, refundRowsOf } = setup();
    const seen: unknown[] = [];
    const guard: ToolGuard = async (input) => {
      seen.push({ tool: input.tool.name, args: input.args, argsHash: input.argsHash });
      return { action: 'refuse', message: 'Refunds above $100.00 need a support manager.' };
    };
    const context = contextFor();
    const outcome = await runToolCall({ registry, ledger, call: { ...refundCall, args: { ...refundCall.args, note: '  padded note  ' } }, context, guard });
    const validated = { ...refundCall.args, note: 'padded note' };
    expect(seen).toEqual([{ tool: 'issue_refund', args: validated, argsHash: hashArguments(validated) }]);
    expect(outcome).toEqual({ status: 'forbidden', message: 'Refunds above $100.00 need a support manager.' });
    expect(refundRowsOf(1001)).toBe(0);
    expect(await ledger.get(context.idempotencyKey)).toBeUndefined();
  });

  it('lets an exception from the guard propagate without claiming anything', async () => {
    const { registry, ledger } = setup();
    const context = contextFor();
    const interruption = new Error('interrupt: approval needed');
    await expect(runToolCall({ registry, ledger, call: refundCall, context, guard: async () => { throw interruption; } })).rejects.toBe(interruption);
    expect(await ledger.get(context.idempotencyKey)).toBeUndefined();
  });

  it('passes the tenant and idempotency key to the tool', async () => {
    const echo = defineTool({
      name: 'echo_context', description: 'x', risk: 'read', input: z.strictObject({}),
      async execute(_args, context) {
        if (context.tenantId !== 'tenant-9') throw new ToolError('wrong tenant');
        return { tenantId: context.tenantId, idempotencyKey: context.idempotencyKey };
      },
    });
    const { registry, ledger } = setup([echo]);
    const outcome = await runToolCall({ registry, ledger, call: { id: 'e', name: 'echo_context', args: {} }, context: contextFor({ tenantId: 'tenant-9', idempotencyKey: 'key-9' }) });
    expect(outcome).toEqual({ status: 'ok', replayed: false, result: { tenantId: 'tenant-9', idempotencyKey: 'key-9' } });
  });
});
