import { randomUUID } from 'node:crypto';
import { GraphInterrupt } from '@langchain/langgraph';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOrderTools, orderScopes, ordersReferenceDate, seedOrders } from '../domains/brightcart/index.ts';
import { createTracing, readTracingConfig, type Tracing } from '../observability/index.ts';
import { openDatabase } from '../storage/index.ts';
import { runToolCall, type ToolCallContext, type ToolGuard } from './run-tool-call.ts';
import { createSqliteEffectLedger } from './sqlite-effect-ledger.ts';
import { createToolRegistry } from './tool-registry.ts';

/*
 * Every tool call is an `execute_tool` span that says what the guard decided and how the call
 * ended: executed, replayed from the ledger, refused, held for approval, invalid.
 */

const exporter = new InMemorySpanExporter();
let tracing: Tracing;

function setup() {
  const database = openDatabase(':memory:', { vectors: false });
  seedOrders(database);
  return {
    registry: createToolRegistry(createOrderTools({ database, clock: () => ordersReferenceDate })),
    ledger: createSqliteEffectLedger(database),
  };
}

const context = (): ToolCallContext => ({ tenantId: 'tenant-1', scopes: Object.values(orderScopes), idempotencyKey: randomUUID() });
const refundCall = { id: 'call-7', name: 'issue_refund', args: { orderId: 1001, amountCents: 12999, reason: 'late_delivery', note: 'Full refund requested' } };
const toolSpans = (): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.attributes['gen_ai.operation.name'] === 'execute_tool');

describe('execute_tool spans', () => {
  beforeAll(() => {
    tracing = createTracing(readTracingConfig({ OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental' }), { exporter });
  });
  afterAll(async () => {
    await tracing.shutdown();
  });
  beforeEach(() => exporter.reset());

  it('names the tool, its call id and risk, and says executed, then replayed from the ledger for the same key', async () => {
    const { registry, ledger } = setup();
    const allow: ToolGuard = async () => ({ action: 'allow' });
    const once = context();
    await runToolCall({ registry, ledger, call: refundCall, context: once, guard: allow });
    await runToolCall({ registry, ledger, call: refundCall, context: once, guard: allow });
    const [first, second] = toolSpans();
    expect(first!.name).toBe('execute_tool issue_refund');
    expect(first!.attributes).toMatchObject({
      'gen_ai.tool.name': 'issue_refund',
      'gen_ai.tool.call.id': 'call-7',
      'gen_ai.tool.type': 'function',
      'overseer.tool.risk': 'irreversible',
      'overseer.tool.guard': 'allowed',
      'overseer.tool.outcome': 'executed',
    });
    // The ledger answers before the guard is asked again: nothing is judged or run twice.
    expect(second!.attributes['overseer.tool.outcome']).toBe('replayed');
    expect(second!.attributes['overseer.tool.guard']).toBeUndefined();
    // Content is off unless opted in.
    expect(first!.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
    expect(first!.attributes['gen_ai.tool.call.result']).toBeUndefined();
  });

  it('says refused when a guard refuses, and held_for_approval when it pauses the run for a person', async () => {
    const { registry, ledger } = setup();
    await runToolCall({ registry, ledger, call: refundCall, context: context(), guard: async () => ({ action: 'refuse', message: 'over the limit' }) });
    const pause: ToolGuard = async () => {
      throw new GraphInterrupt([{ value: { type: 'approval_request' } }]);
    };
    await expect(runToolCall({ registry, ledger, call: refundCall, context: context(), guard: pause })).rejects.toBeInstanceOf(GraphInterrupt);
    const [refused, held] = toolSpans();
    expect(refused!.attributes).toMatchObject({ 'overseer.tool.guard': 'refused', 'overseer.tool.outcome': 'refused' });
    expect(held!.attributes).toMatchObject({ 'overseer.tool.guard': 'held_for_approval', 'overseer.tool.outcome': 'held_for_approval' });
    // A pause is no failure.
    expect(held!.status.code).not.toBe(2);
  });

  it('says invalid for arguments that fail validation', async () => {
    const { registry, ledger } = setup();
    await runToolCall({ registry, ledger, call: { ...refundCall, args: { orderId: 1001, amountCents: 0 } }, context: context() });
    expect(toolSpans()[0]!.attributes['overseer.tool.outcome']).toBe('invalid');
  });
});
