import type { BaseMessage } from '@langchain/core/messages';
import { Client } from '@langchain/langgraph-sdk';
import { StreamOrchestrator } from '@langchain/langgraph-sdk/ui';
import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineModels } from '../../src/agents/index.ts';
import { supervisorLike } from '../support/policy-scenario-kit.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { userMessage } from '../support/test-services.ts';

/*
 * What a streaming client is left showing when the grounding check at finish replaces the
 * router's answer: the router's draft streams token by token before the check can see it, so
 * the revision has to arrive as a message of its own, be the last assistant message the
 * client holds, and be the only answer the thread keeps. Through the real SDK against a real
 * listening server, with a scripted supervisor whose answer cites a passage that was never
 * retrieved and states a number no passage holds.
 */
const question = 'How many days do I have to return unused items?';
const draft = 'You can return unused items within 60 days of delivery [returns-and-exchanges#42].';

interface StreamedMessage {
  id: string;
  type: string;
  content: string;
}

/** The revision a careful model gives: the window and the label of the passage that states it. */
const fixedRevision = (messages: BaseMessage[]) => {
  const prompt = String(messages.at(-1)!.content);
  const label = /(\[returns-and-exchanges#\d+\]) [^\n]*30 days of delivery/.exec(prompt)![1];
  return `You can return unused items within 30 days of delivery ${label}.`;
};

describe('a final answer the grounding check revised, as streaming clients see it', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** A server whose supervisor hands the question to the retriever, then answers with `draft`. */
  async function start(revision?: (messages: BaseMessage[]) => string) {
    const supervisor = supervisorLike(['retriever'], { answer: () => draft, ...(revision ? { revision } : {}) });
    server = await startTestServer({}, { models: { ...createOfflineModels(), supervisor } });
    return new Client({ apiUrl: server.url });
  }

  /** `client.runs.stream` in messages-tuple mode: each assistant message's text, by id, in the order first seen. */
  async function streamMessages(client: Client, threadId: string): Promise<Map<string, string>> {
    const texts = new Map<string, string>();
    for await (const chunk of client.runs.stream(threadId, 'supervisor', { input: userMessage(question), streamMode: 'messages-tuple' })) {
      if (chunk.event !== 'messages') continue;
      const [message] = chunk.data as unknown as [StreamedMessage];
      if (message.type.startsWith('ai')) texts.set(message.id, (texts.get(message.id) ?? '') + message.content);
    }
    return texts;
  }

  async function stateMessages(client: Client, threadId: string): Promise<StreamedMessage[]> {
    return ((await client.threads.getState(threadId)).values as { messages: StreamedMessage[] }).messages;
  }

  it('streams the revision as its own message after the draft, and keeps only the revision in the thread', async () => {
    const client = await start(fixedRevision);
    const thread = await client.threads.create();
    const texts = await streamMessages(client, thread.thread_id);

    const answers = [...texts].filter(([, text]) => text.length > 0);
    // The draft went out before the check could read it, under the router model's message id.
    expect(answers.map(([, text]) => text)).toContain(draft);
    const [finalId, finalText] = answers.at(-1)!;
    expect(finalText).toMatch(/^You can return unused items within 30 days of delivery \[returns-and-exchanges#\d+\]\.$/);
    expect(finalId).not.toBe(answers.find(([, text]) => text === draft)![0]);

    const messages = await stateMessages(client, thread.thread_id);
    expect(messages.map((message) => message.type)).toEqual(['human', 'ai']);
    expect(messages[1]).toMatchObject({ id: finalId, content: finalText });
    expect(messages.some((message) => message.content.includes('60 days'))).toBe(false);
  });

  it('ends on the grounded part when the revision repeats the problems, never on the draft', async () => {
    // Without a revision the scripted supervisor gives its answer again, invented citation and all.
    const client = await start();
    const thread = await client.threads.create();
    const texts = await streamMessages(client, thread.thread_id);

    const answers = [...texts].filter(([, text]) => text.length > 0);
    const [finalId, finalText] = answers.at(-1)!;
    expect(finalText).not.toMatch(/60 days|returns-and-exchanges#42/);
    expect(finalText.length).toBeGreaterThan(0);
    const messages = await stateMessages(client, thread.thread_id);
    expect(messages.map((message) => message.type)).toEqual(['human', 'ai']);
    expect(messages[1]).toMatchObject({ id: finalId, content: finalText, response_metadata: { status: 'partial', grounding: { revised: true } } });
  });

  it('leaves useStream\'s state with the revision as the one answer, the draft gone before the revision shows', async () => {
    const client = await start(fixedRevision);
    // The framework-free core of `useStream` (what its Vue, Svelte and Angular bindings wrap;
    // React's hook builds the same StreamManager and MessageTupleManager): the same stream
    // modes and the same merging of streamed messages into the values on screen.
    const stream = new StreamOrchestrator({ assistantId: 'supervisor', messagesKey: 'messages' }, {
      getClient: () => client,
      getAssistantId: () => 'supervisor',
      getMessagesKey: () => 'messages',
    });
    stream.initThreadId(undefined);
    // React's `messages` getter asks for these modes when a component reads the messages.
    stream.trackStreamMode('messages-tuple', 'values');
    const views: StreamedMessage[][] = [];
    const unsubscribe = stream.subscribe(() => views.push((stream.messages as unknown as StreamedMessage[]).map(({ id, type, content }) => ({ id, type, content: String(content) }))));
    try {
      await stream.submit(userMessage(question));
      expect(stream.isLoading).toBe(false);

      const shown = stream.messages as unknown as StreamedMessage[];
      expect(shown.map((message) => message.type)).toEqual(['human', 'ai']);
      expect(String(shown[1]!.content)).toMatch(/^You can return unused items within 30 days of delivery \[returns-and-exchanges#\d+\]\.$/);
      const stored = await stateMessages(client, stream.threadId!);
      expect(shown[1]!.id).toBe(stored[1]!.id);

      // The draft was on screen while it streamed; from the first view holding the revision on,
      // it never is again, and no view shows two answers.
      const answerViews = views.map((view) => view.filter((message) => message.type === 'ai' && message.content.length > 0));
      expect(answerViews.some((view) => view.some((message) => message.content === draft))).toBe(true);
      const revisedFrom = answerViews.findIndex((view) => view.some((message) => message.id === shown[1]!.id));
      expect(revisedFrom).toBeGreaterThan(-1);
      expect(answerViews.slice(revisedFrom).every((view) => view.length === 1 && view[0]!.id === shown[1]!.id)).toBe(true);
      expect(answerViews.every((view) => view.length <= 1)).toBe(true);
    } finally {
      unsubscribe();
      await stream.stop();
    }
  });
});
