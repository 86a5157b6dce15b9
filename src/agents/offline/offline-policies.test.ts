import { HumanMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { brightcartOfflinePlanner, brightcartSpecialistDescriptions } from '../../domains/brightcart/index.ts';
import { buildRetrieverAnswerMessages, buildRouterMessages, specialistDescriptions } from '../prompts/index.ts';
import { offlineAnswerPolicy } from './offline-answerer.ts';
import { createOfflineRouterPolicy } from './offline-router.ts';

const handoffTools = (['retriever', 'executor', 'reviewer'] as const).map((name) => ({ name: `handoff_to_${name}`, description: { ...specialistDescriptions, ...brightcartSpecialistDescriptions }[name] }));
const offlineRouterPolicy = createOfflineRouterPolicy(brightcartOfflinePlanner);
function route(request: string, steps: Array<{ specialist: 'retriever' | 'executor' | 'reviewer'; outcome: string; summary?: string }> = [], topScore = 0.9) {
  const messages = buildRouterMessages(
    [new HumanMessage(request)],
    steps.map((step, index) => ({ hop: index + 1, task: request, summary: step.summary ?? 'done', citations: [], actions: [], reasons: [], flags: [], ...step }) as never),
    { topScore, documents: [] },
  );
  return offlineRouterPolicy({ messages, tools: handoffTools });
}

describe('offline router', () => {
  it('sends a covered question to the retriever, then the reviewer, then answers', () => {
    expect(route('What is the warranty on electronics?').toolCalls?.[0]?.name).toBe('handoff_to_retriever');
    expect(route('What is the warranty on electronics?', [{ specialist: 'retriever', outcome: 'answered' }]).toolCalls?.[0]?.name).toBe('handoff_to_reviewer');
    const done = route('What is the warranty on electronics?', [
      { specialist: 'retriever', outcome: 'answered', summary: 'Two years [warranty#1].' },
      { specialist: 'reviewer', outcome: 'accepted' },
    ]);
    expect(done.toolCalls ?? []).toEqual([]);
    expect(done.content).toContain('Two years [warranty#1].');
  });

  it('answers an uncovered question at once, by the probe score', () => {
    const reply = route('What is the capital of France?', [], 0.05);
    expect(reply.toolCalls ?? []).toEqual([]);
    expect(reply.content).toMatch(/does not cover this \(its best match scored 0\.05\)/);
  });

  it('looks up policy before an action that claims policy grounds, and reviews after it', () => {
    const request = 'Refund order 1001 because it arrived late';
    expect(route(request).toolCalls?.[0]?.name).toBe('handoff_to_retriever');
    expect(route(request).toolCalls?.[0]?.args.task).toMatch(/^Find the policy/);
    expect(route(request, [{ specialist: 'retriever', outcome: 'answered' }]).toolCalls?.[0]?.name).toBe('handoff_to_executor');
    expect(
      route(request, [
        { specialist: 'retriever', outcome: 'answered' },
        { specialist: 'executor', outcome: 'completed' },
      ]).toolCalls?.[0]?.name,
    ).toBe('handoff_to_reviewer');
  });

  it('goes straight to the executor for an action without policy grounds', () => {
    expect(route('Cancel order 1006 please').toolCalls?.[0]?.name).toBe('handoff_to_executor');
  });

  it('sends an answer back to the retriever once when the reviewer asks, but never re-runs an action', () => {
    const again = route('What is the warranty?', [
      { specialist: 'retriever', outcome: 'answered' },
      { specialist: 'reviewer', outcome: 'revise' },
    ]);
    expect(again.toolCalls?.[0]?.name).toBe('handoff_to_retriever');
    const action = route('Refund order 1001', [
      { specialist: 'executor', outcome: 'completed' },
      { specialist: 'reviewer', outcome: 'revise' },
    ]);
    expect(action.toolCalls ?? []).toEqual([]);
  });
});

describe('offline answerer', () => {
  it('answers only with sentences from the passages, each with its label', () => {
    const messages = buildRetrieverAnswerMessages({
      task: 'How long is the warranty on electronics?',
      acceptanceCriteria: [],
      passages: [
        { documentId: 'warranty', chunkIndex: 1, text: 'Electronics carry a warranty of 24 months against manufacturing defects. Furniture is different.' },
        { documentId: 'gift-cards', chunkIndex: 0, text: 'Gift cards never expire.' },
      ],
    });
    const reply = offlineAnswerPolicy({ messages, tools: [] });
    expect(reply.content).toBe('Electronics carry a warranty of 24 months against manufacturing defects. [warranty#1]');
  });

  it('says the knowledge base does not cover a task no sentence matches', () => {
    const messages = buildRetrieverAnswerMessages({ task: 'Who won the match?', acceptanceCriteria: [], passages: [{ documentId: 'gift-cards', chunkIndex: 0, text: 'Gift cards never expire at all.' }] });
    expect(offlineAnswerPolicy({ messages, tools: [] }).content).toBe('The knowledge base does not cover this.');
  });
});
