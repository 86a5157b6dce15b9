import { describe, expect, it } from 'vitest';
import { buildMatchQuery } from './build-match-query.ts';
import { contentTerms } from './content-terms.ts';

describe('buildMatchQuery', () => {
  it('ORs the quoted informative words of the text', () => {
    expect(buildMatchQuery('How many days do I have to request a refund?')).toBe('"days" OR "request" OR "refund"');
  });

  it('turns FTS5 operators and punctuation into plain words', () => {
    expect(buildMatchQuery('refund AND "late NEAR(order*) -x title:y')).toBe('"refund" OR "late" OR "near" OR "order" OR "x" OR "title" OR "y"');
  });

  it('returns undefined when nothing informative is left', () => {
    expect(buildMatchQuery('what can you do?')).toBeUndefined();
    expect(buildMatchQuery('"*"()')).toBeUndefined();
  });

  it('keeps letters of any script and drops repeated words', () => {
    expect(contentTerms('Café café Straße 東京 refund refund')).toEqual(['café', 'straße', '東京', 'refund']);
  });
});
