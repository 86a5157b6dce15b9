import { describe, expect, it } from 'vitest';
import { findJsonLimitViolation } from './find-json-limit-violation.ts';

const limits = { maxDepth: 3, maxKeys: 2, maxArrayLength: 3 };
const limitOf = (text: string) => findJsonLimitViolation(text, limits)?.limit;

describe('findJsonLimitViolation', () => {
  it('passes JSON within every limit', () => {
    expect(limitOf('{"a":[1,2,{"b":null}],"c":"x"}')).toBeUndefined();
    expect(limitOf('[]')).toBeUndefined();
    expect(limitOf('"just a string"')).toBeUndefined();
    expect(limitOf('  {  }  ')).toBeUndefined();
  });

  it('counts nesting of objects and arrays alike', () => {
    expect(limitOf('[[[1]]]')).toBeUndefined();
    expect(limitOf('[[[[1]]]]')).toBe('JSON_MAX_DEPTH');
    expect(limitOf('{"a":{"b":[{"c":1}]}}')).toBe('JSON_MAX_DEPTH');
  });

  it('survives nesting far beyond what a recursive walk could', () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    expect(findJsonLimitViolation(deep, { maxDepth: 64, maxKeys: 10, maxArrayLength: 10 })).toMatchObject({ limit: 'JSON_MAX_DEPTH', max: 64 });
  });

  it('counts keys per object and elements per array, each container on its own', () => {
    expect(limitOf('{"a":1,"b":2}')).toBeUndefined();
    expect(limitOf('{"a":1,"b":2,"c":3}')).toBe('JSON_MAX_KEYS');
    expect(limitOf('[1,2,3]')).toBeUndefined();
    expect(limitOf('[1,2,3,4]')).toBe('JSON_MAX_ARRAY_LENGTH');
    // Two objects of two keys each, inside an array of three: nothing is over.
    expect(limitOf('[{"a":1,"b":2},{"a":1,"b":2},3]')).toBeUndefined();
    // The members of an inner container do not count for the outer one.
    expect(limitOf('{"a":[1,2,3],"b":2}')).toBeUndefined();
  });

  it('ignores brackets, commas and quotes inside strings', () => {
    expect(limitOf('{"a":"[[[[,,,,{{{{","b":"\\"[[[[,,,"}')).toBeUndefined();
    expect(limitOf('["\\\\",1,2]')).toBeUndefined();
    expect(limitOf('["\\\\",1,2,3]')).toBe('JSON_MAX_ARRAY_LENGTH');
  });

  it('names the limit and its value in the message', () => {
    expect(findJsonLimitViolation('[[[[]]]]', limits)?.message).toBe('The request body nests deeper than 3 levels (JSON_MAX_DEPTH)');
    expect(findJsonLimitViolation('{"a":1,"b":2,"c":3}', limits)?.message).toBe('An object in the request body has more than 2 keys (JSON_MAX_KEYS)');
  });
});
