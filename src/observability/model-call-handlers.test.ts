import type { LLMResult } from '@langchain/core/outputs';
import { describe, expect, it } from 'vitest';
import { useInMemoryTracing } from '../../test/support/in-memory-tracing.ts';
import { ScriptedChatModel } from '../agents/index.ts';
import { openDatabase } from '../storage/index.ts';
import { GenAiTracingHandler } from './gen-ai-tracing-handler.ts';
import { ModelCallHandlers, type ModelCallHandler } from './model-call-handlers.ts';
import { createPriceTable } from './price-table.ts';
import { createSqliteUsageStore } from './sqlite-usage-store.ts';
import { UsageCallbackHandler, agentRoleMetadataKey } from './usage-callback-handler.ts';

const exporter = useInMemoryTracing();

const output: LLMResult = { generations: [[{ text: 'ok' }]] };

describe('model call handlers', () => {
  it('gives a model call to each handler: its usage is stored and its chat span ends', async () => {
    const database = openDatabase(':memory:');
    const usage = createSqliteUsageStore(database);
    const handlers = new ModelCallHandlers([
      new UsageCallbackHandler({ run: { tenantId: 'acme', runId: 'run-1' }, prices: createPriceTable(), store: usage }),
      new GenAiTracingHandler(),
    ]);
    await new ScriptedChatModel([{ content: 'Handing this to the executor.' }]).invoke('Where is order 1001?', {
      callbacks: [handlers],
      metadata: { [agentRoleMetadataKey]: 'supervisor' },
    });
    expect((await usage.forRun('acme', 'run-1')).outputTokens).toBeGreaterThan(0);
    const chats = exporter.getFinishedSpans().filter((span) => span.attributes['gen_ai.operation.name'] === 'chat');
    expect(chats.map((span) => span.attributes['overseer.agent.role'])).toEqual(['supervisor']);
    database.close();
  });

  it('gives every handler the event before awaiting any, so a slow one does not hold the next', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const slow: ModelCallHandler = { handleLLMEnd: () => new Promise<void>((resolve) => { seen.push('slow'); release = resolve; }) };
    const quick: ModelCallHandler = { handleLLMEnd: () => { seen.push('quick'); } };
    const delivered = new ModelCallHandlers([slow, quick]).handleLLMEnd(output, 'call-1');
    expect(seen).toEqual(['slow', 'quick']);
    release();
    await delivered;
  });

  it('still gives the event to the others when one handler fails, and throws its error once they have it', async () => {
    const ended: string[] = [];
    const failing: ModelCallHandler = { handleLLMEnd: () => { throw new Error('store gone'); } };
    const recording: ModelCallHandler = { handleLLMEnd: (_output, runId) => { ended.push(runId); } };
    await expect(new ModelCallHandlers([failing, recording]).handleLLMEnd(output, 'call-2')).rejects.toThrow('store gone');
    expect(ended).toEqual(['call-2']);
  });
});
