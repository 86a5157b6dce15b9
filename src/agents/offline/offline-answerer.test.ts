import { describe, expect, it } from 'vitest';
import { buildRetrieverAnswerMessages, type PromptPassage } from '../prompts/index.ts';
import { offlineAnswerPolicy } from './offline-answerer.ts';
import { passageUnits } from './passage-units.ts';
import { withRevision } from './offline-reviser.ts';
import { buildRevisionMessages } from '../prompts/index.ts';

const lateCredit: PromptPassage = {
  documentId: 'shipping-policy',
  chunkIndex: 3,
  headings: ['Shipping and delivery times', 'Late-delivery credit'],
  text: 'When a shipment is late, we add a late-delivery credit to your account automatically. The credit is a credit memo in store credit:\n\n' +
    '- **10% of the order total for each full day late.** A shipment delivered one and a half days late counts as one full day late.\n' +
    '- **Capped at 50% of the order total.** A shipment five or more days late receives the maximum credit.',
};
const warrantyLength: PromptPassage = {
  documentId: 'warranty',
  chunkIndex: 1,
  headings: ['Warranty', 'How long the warranty lasts'],
  text: '- **Home goods** (furniture, kitchenware, bedding, lighting, décor and similar): **12 months** from the delivery date.\n' +
    '- **Electronics** (televisions, audio, computers): **24 months** from the delivery date.\n\nThe warranty period starts on the day the item was delivered.',
};
const largeItems: PromptPassage = {
  documentId: 'returns-and-exchanges',
  chunkIndex: 3,
  headings: ['Returns and exchanges', 'How to return an item'],
  text: 'Large items such as sofas and refrigerators are collected from your home; we contact you to arrange a collection slot.',
};
const cancelling: PromptPassage = {
  documentId: 'order-cancellation',
  chunkIndex: 1,
  headings: ['Cancelling an order', 'Cancelling before your order ships'],
  text: 'Cancellation is **free before the order ships**. As long as the order status is *Placed* or *Processing*, you can cancel the whole order or individual items:\n\n' +
    '1. Sign in and open **Orders**.\n2. Choose the order and select **Cancel order** or **Cancel items**.\n3. Confirm. You receive an email as soon as the cancellation is done.\n\n' +
    'There is no fee and no questions asked.',
};
const cancellingIntro: PromptPassage = {
  documentId: 'order-cancellation',
  chunkIndex: 0,
  headings: ['Cancelling an order'],
  text: 'Plans change. This page explains when you can cancel a Brightcart order, what it costs, and what to do when it is too late to cancel.',
};

const answer = (task: string, passages: PromptPassage[]) =>
  String(offlineAnswerPolicy({ messages: buildRetrieverAnswerMessages({ task, acceptanceCriteria: [], passages }), tools: [] }).content);

describe('passage units', () => {
  it('removes a list marker whole, so "- 10% of the order total" keeps its 10%', () => {
    const units = passageUnits(lateCredit.text);
    expect(units.map((unit) => unit.kind)).toEqual(['sentence', 'list']);
    expect(units[1]!.text).toBe('The credit is a credit memo in store credit:\n- 10% of the order total for each full day late. A shipment delivered one and a half days late counts as one full day late.\n- Capped at 50% of the order total. A shipment five or more days late receives the maximum credit.');
  });

  it('keeps numbered steps together under their lead-in and reads a table row as a sentence', () => {
    expect(passageUnits(cancelling.text).map((unit) => unit.kind)).toEqual(['sentence', 'steps', 'sentence']);
    expect(passageUnits('| Service | Delivery time |\n| --- | --- |\n| Express | within 3 calendar days |')).toEqual([
      { kind: 'row', key: 'Express', text: 'Express: delivery time within 3 calendar days.', position: 0 },
    ]);
  });
});

describe('offline answerer', () => {
  it('quotes the late-delivery credit with its numbers', () => {
    const text = answer('How much store credit do I get when my delivery is late?', [lateCredit]);
    expect(text).toContain('10% of the order total for each full day late.');
    expect(text).toContain('Capped at 50% of the order total.');
    expect(text).toMatch(/\[shipping-policy#3\]$/);
  });

  it('answers a sofa warranty question from how long the warranty lasts, not from collecting large items', () => {
    const text = answer('How long is the warranty on my sofa?', [largeItems, warrantyLength]);
    expect(text).toContain('furniture, kitchenware, bedding, lighting, décor and similar): 12 months from the delivery date. [warranty#1]');
    expect(text).not.toContain('collected from your home');
  });

  it('gives the steps for "how do I cancel my order?", not the page introduction', () => {
    const text = answer('How do I cancel my order?', [cancellingIntro, cancelling]);
    expect(text).toContain('1. Sign in and open Orders.\n2. Choose the order and select Cancel order or Cancel items.\n3. Confirm.');
    expect(text).not.toContain('This page explains');
  });

  it('never quotes a sentence twice, though overlapping chunks repeat it', () => {
    const repeated = { ...lateCredit, chunkIndex: 4, text: 'Capped at 50% of the order total. A shipment five or more days late receives the maximum credit.' };
    const text = answer('Is there a maximum on the late-delivery credit?', [lateCredit, repeated]);
    expect(text.match(/Capped at 50% of the order total/g)).toHaveLength(1);
  });

  it('answers from a passage that shares any term with the question instead of saying "not covered"', () => {
    expect(answer('What are the delivery times to Canada?', [{ documentId: 'international-shipping', chunkIndex: 1, headings: ['International shipping', 'International services and delivery times'], text: '- International standard, delivered within 14 calendar days of the order date.' }]))
      .toBe('International standard, delivered within 14 calendar days of the order date. [international-shipping#1]');
  });
});

describe('offline revision', () => {
  it('drops the sentences the grounding check names and keeps the rest', () => {
    const messages = buildRevisionMessages({
      answer: 'Returns are accepted for 60 days [returns-and-exchanges#42]. Refunds take 5–10 business days [refund-policy#6].',
      problems: [{ sentence: 'Returns are accepted for 60 days [returns-and-exchanges#42].', detail: 'cites [returns-and-exchanges#42], which was not retrieved in this run' }],
      passages: [],
      toolResults: [],
    });
    const route = () => ({ content: 'routed' });
    expect(withRevision(route)({ messages, tools: [] }).content).toBe('Refunds take 5–10 business days [refund-policy#6].');
  });
});
