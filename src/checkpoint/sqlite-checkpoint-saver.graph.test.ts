import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { Annotation, Command, END, MessagesAnnotation, START, StateGraph, interrupt } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { SqliteCheckpointSaver } from './sqlite-checkpoint-saver.ts';

const ApprovalState = Annotation.Root({
  ...MessagesAnnotation.spec,
  approvedBy: Annotation<string | undefined>(),
  log: Annotation<string[]>({ reducer: (left, right) => [...left, ...right], default: () => [] }),
});

// draft → approve (interrupts for a human decision) → publish
function buildApprovalGraph(checkpointer: BaseCheckpointSaver) {
  return new StateGraph(ApprovalState)
    .addNode('draft', () => ({ messages: [new AIMessage('Draft: refund order 42')], log: ['drafted'] }))
    .addNode('approve', () => {
      const approver = interrupt<{ question: string }, string>({ question: 'Approve the refund?' });
      return { approvedBy: approver, log: ['approved'] };
    })
    .addNode('publish', (state) => ({ messages: [new AIMessage(`Published, approved by ${state.approvedBy}`)] }))
    .addEdge(START, 'draft')
    .addEdge('draft', 'approve')
    .addEdge('approve', 'publish')
    .addEdge('publish', END)
    .compile({ checkpointer });
}

describe('SqliteCheckpointSaver with a LangGraph StateGraph', () => {
  let directory: string;
  let file: string;

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'overseer-checkpoint-'));
    file = path.join(directory, 'overseer.db');
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('resumes an interrupted run after the database file is closed and reopened', async () => {
    const config = { configurable: { thread_id: 'refund-42' } };
    const before = SqliteCheckpointSaver.fromFile(file);
    const graphBefore = buildApprovalGraph(before);
    await graphBefore.invoke({ messages: [new HumanMessage('Refund order 42')] }, config);
    expect((await graphBefore.getState(config)).next).toEqual(['approve']);
    before.close();

    const after = SqliteCheckpointSaver.fromFile(file);
    const graph = buildApprovalGraph(after);
    const paused = await graph.getState(config);
    expect(paused.next).toEqual(['approve']);
    expect(paused.values.log).toEqual(['drafted']);
    expect(paused.tasks[0]?.interrupts[0]?.value).toEqual({ question: 'Approve the refund?' });

    const final = await graph.invoke(new Command({ resume: 'dana' }), config);
    expect(final.approvedBy).toBe('dana');
    expect(final.log).toEqual(['drafted', 'approved']);
    expect(final.messages.map((message) => message.content)).toEqual([
      'Refund order 42',
      'Draft: refund order 42',
      'Published, approved by dana',
    ]);
    expect(final.messages[0]).toBeInstanceOf(HumanMessage);
    after.close();
  });

  it('keeps both branches intact when a thread forks from an earlier checkpoint', async () => {
    const saver = SqliteCheckpointSaver.fromFile(file);
    const graph = buildApprovalGraph(saver);
    const config = { configurable: { thread_id: 'fork' } };
    await graph.invoke({ messages: [new HumanMessage('Refund order 42')] }, config);
    await graph.invoke(new Command({ resume: 'dana' }), config);

    const history = [];
    for await (const snapshot of graph.getStateHistory(config)) history.push(snapshot);
    const afterDraft = history.find((snapshot) => snapshot.next[0] === 'approve');
    expect(afterDraft).toBeDefined();
    const original = await graph.getState(config);

    // Same step, same channels as the original branch after approval: with plain integer
    // versions this fork would name its `approvedBy` and `log` values like the original's.
    const forkConfig = await graph.updateState(afterDraft!.config, { approvedBy: 'sam', log: ['forked'] }, 'approve');
    const forked = await graph.getState(forkConfig);
    expect(forked.values.approvedBy).toBe('sam');
    expect(forked.values.log).toEqual(['drafted', 'forked']);

    const originalAgain = await graph.getState(original.config);
    expect(originalAgain.values.approvedBy).toBe('dana');
    expect(originalAgain.values.log).toEqual(['drafted', 'approved']);
    saver.close();
  });
});
