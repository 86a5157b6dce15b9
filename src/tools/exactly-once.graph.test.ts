import { Annotation, END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { describe, expect, it } from 'vitest';
import { SqliteCheckpointSaver } from '../checkpoint/index.ts';
import { openDatabase } from '../storage/index.ts';
import { hashArguments } from './canonical-json.ts';
import { deriveIdempotencyKey } from './idempotency-key.ts';
import { createOrderTools, orderScopes, ordersReferenceDate, seedOrders } from '../domains/brightcart/index.ts';
import { runToolCall, type ToolCallOutcome, type ToolCallRequest } from './run-tool-call.ts';
import { createSqliteEffectLedger } from './sqlite-effect-ledger.ts';
import { createToolRegistry } from './tool-registry.ts';

const State = Annotation.Root({
  call: Annotation<ToolCallRequest>(),
  outcome: Annotation<ToolCallOutcome | undefined>(),
});

function setup(options: { crashAfterToolOnce?: boolean } = {}) {
  const clock = () => ordersReferenceDate;
  const database = openDatabase(':memory:', { vectors: false });
  seedOrders(database);
  const registry = createToolRegistry(createOrderTools({ database, clock }));
  const ledger = createSqliteEffectLedger(database, { clock });
  let crashes = options.crashAfterToolOnce ? 1 : 0;
  const keyOf = (threadId: string, call: ToolCallRequest) => deriveIdempotencyKey({ tenantId: 'acme', threadId, toolCallId: call.id });
  const act = async (state: typeof State.State, config: LangGraphRunnableConfig) => {
    const threadId = config.configurable!.thread_id as string;
    const outcome = await runToolCall({
      registry, ledger, call: state.call,
      context: { tenantId: 'acme', threadId, scopes: Object.values(orderScopes), idempotencyKey: keyOf(threadId, state.call) },
    });
    // The process dies after the effect and the ledger entry, before LangGraph saves the checkpoint.
    if (crashes > 0) {
      crashes -= 1;
      throw new Error('process crashed before the checkpoint was written');
    }
    return { outcome };
  };
  const graph = new StateGraph(State).addNode('act', act).addEdge(START, 'act').addEdge('act', END)
    .compile({ checkpointer: new SqliteCheckpointSaver({ database }) });
  const rowsOf = (table: 'refunds' | 'credit_memos', orderId: number) =>
    (database.prepare(`SELECT COUNT(*) AS count FROM ${table} WHERE order_id = ?`).get(orderId) as { count: number }).count;
  return { registry, ledger, graph, rowsOf, keyOf };
}

const refund = { id: 'call-refund', name: 'issue_refund', args: { orderId: 1001, amountCents: 12_999, reason: 'late_delivery', note: 'Full refund' } };
// Order 1001 was delivered 3 full days late on $129.99: up to 30% (3899 cents) in store credit.
const credit = { id: 'call-credit', name: 'create_credit_memo', args: { orderId: 1001, amountCents: 3_899, reason: 'Late delivery credit' } };

describe('exactly-once side effects across crashes', () => {
  for (const [call, table] of [[refund, 'refunds'], [credit, 'credit_memos']] as const) {
    it(`${call.name}: a crash between "started" and "done" is reconciled from the row the tool wrote, leaving one row`, async () => {
      const kit = setup();
      const threadId = `crash-started-${call.name}`;
      const key = kit.keyOf(threadId, call);
      // The first attempt: claimed, executed (the row is written), then the process died before `done`.
      await kit.ledger.begin(key, { toolName: call.name, argsHash: hashArguments(call.args), tenantId: 'acme' });
      const firstResult = await kit.registry.get(call.name)!.execute(call.args, { tenantId: 'acme', idempotencyKey: key });
      expect(kit.rowsOf(table, 1001)).toBe(1);

      const final = await kit.graph.invoke({ call }, { configurable: { thread_id: threadId } });
      expect(final.outcome).toEqual({ status: 'ok', replayed: true, reconciled: true, result: firstResult });
      expect(kit.rowsOf(table, 1001)).toBe(1);
      expect(await kit.ledger.get(key)).toMatchObject({ status: 'done', result: firstResult, attempts: 1 });
    });
  }

  it('a crash between "done" and the checkpoint re-executes the node, which replays the recorded refund', async () => {
    const kit = setup({ crashAfterToolOnce: true });
    const config = { configurable: { thread_id: 'crash-done' } };
    await expect(kit.graph.invoke({ call: refund }, config)).rejects.toThrow('process crashed');
    expect(kit.rowsOf('refunds', 1001)).toBe(1);
    expect((await kit.graph.getState(config)).next).toEqual(['act']);

    // Resuming the thread runs `act` again from the last checkpoint.
    const final = await kit.graph.invoke(null, config);
    expect(final.outcome).toMatchObject({ status: 'ok', replayed: true, result: { orderId: 1001, amountCents: 12_999 } });
    expect(kit.rowsOf('refunds', 1001)).toBe(1);
  });
});
