import { describe, expect, it } from 'vitest';
import { equalitiesOf, matchesAuthFilters } from './auth-filters.ts';

describe('authorization handlers\' metadata filters', () => {
  it('matches plain values and $eq by equality, and nothing is missing when there are no filters', () => {
    expect(matchesAuthFilters({ owner: 'alice', team: 'a' }, { owner: 'alice' })).toBe(true);
    expect(matchesAuthFilters({ owner: 'bob' }, { owner: { $eq: 'alice' } })).toBe(false);
    expect(matchesAuthFilters({}, { owner: 'alice' })).toBe(false);
    expect(matchesAuthFilters(undefined, undefined)).toBe(true);
  });

  it('matches $contains against arrays only, one value or all of several', () => {
    expect(matchesAuthFilters({ editors: ['alice', 'bob'] }, { editors: { $contains: 'bob' } })).toBe(true);
    expect(matchesAuthFilters({ editors: ['alice'] }, { editors: { $contains: ['alice', 'bob'] } })).toBe(false);
    expect(matchesAuthFilters({ editors: 'alice' }, { editors: { $contains: 'alice' } })).toBe(false);
  });

  it('stamps only the equalities', () => {
    expect(equalitiesOf({ owner: 'alice', org: { $eq: 'acme' }, editors: { $contains: 'alice' } })).toEqual({ owner: 'alice', org: 'acme' });
  });
});
