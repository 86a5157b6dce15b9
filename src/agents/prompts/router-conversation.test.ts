import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { buildRouterMessages, routerConversation } from './router-prompt.ts';

describe('the router\'s view of a thread', () => {
  const history = [
    new HumanMessage({ content: 'What is the refund policy?', id: 'h1' }),
    new AIMessage({ content: 'Refunds within 30 days. [refund-policy#1]', id: 'a1' }),
    new HumanMessage({ content: 'Look up order 1001.', id: 'h2' }),
    new AIMessage({ content: `Order 1001: ${'x'.repeat(500)}`, id: 'a2' }),
  ];
  const request = new HumanMessage({ content: 'And refund it?', id: 'h3' });

  it('shows the turn before the request, its answer shortened, then the request', () => {
    const seen = routerConversation([...history, request], request);
    expect(seen.map((message) => message.id)).toEqual(['h2', 'a2', 'h3']);
    expect(String(seen[1]!.content).length).toBeLessThanOrEqual(301);
    expect(String(seen[1]!.content).endsWith('…')).toBe(true);
  });

  it('puts the stable part first: system prompt, conversation, then the coverage probe and the hops', () => {
    const messages = buildRouterMessages([request], [], { topScore: 0.8, documents: ['refund-policy'] });
    expect(SystemMessage.isInstance(messages[0]!)).toBe(true);
    expect(messages[1]).toBe(request);
    expect(String(messages[2]!.content)).toMatch(/^Knowledge-base coverage/);
    expect(messages.some((message) => ToolMessage.isInstance(message))).toBe(false);
  });
});
