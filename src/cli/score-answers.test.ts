import { describe, expect, it } from 'vitest';
import { parseAnswerCases, scoreAnswers } from './score-answers.ts';

const warranty = { documentId: 'warranty', chunkIndex: 1, text: 'Home goods: 12 months from the delivery date.' };
const evidence = { retrieved: [warranty], cited: [warranty], toolResults: [] };

describe('answer-level scoring', () => {
  it('counts an answer with the fact and a resolving citation, and names what another answer missed', () => {
    const [covered, uncovered] = parseAnswerCases([
      '{"question": "How long is the warranty on my sofa?", "facts": ["12 months"], "documents": ["warranty"]}',
      '{"question": "What is the capital of France?", "uncovered": true}',
    ].join('\n'));
    const figures = scoreAnswers([
      { labelled: covered!, answered: { answer: 'Home goods: 12 months from the delivery date. [warranty#1]', status: 'complete', evidence } },
      { labelled: covered!, answered: { answer: 'The knowledge base does not cover this. It lasts 60 days [warranty#9].', status: 'complete', evidence } },
      { labelled: uncovered!, answered: { answer: 'The knowledge base does not cover this.', status: 'complete', evidence } },
    ]);
    expect(figures).toMatchObject({ questions: 3, containsExpectedFacts: 0.5, citesExpectedDocument: 1, citationsResolve: 0.667, grounded: 0.667, uncoveredSaidSo: 1, coveredAnsweredNotCovered: 1 });
    expect(figures.misses.map((miss) => miss.problems)).toEqual([[
      'a citation does not resolve, or a covered answer cites nothing',
      'cites [warranty#9], which was not retrieved in this run',
      '"60 days" is in no cited passage or tool result of this run',
      'missing "12 months"',
      'answered "not covered"',
    ]]);
  });

  it('names every bad line of a labelled file', () => {
    expect(() => parseAnswerCases('{"question": "q"}\nnot json')).toThrow(/Invalid lines in answers/);
  });
});
