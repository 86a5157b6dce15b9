/** How deep a JSON text may nest and how many members one object or array may have. */
export interface JsonLimits {
  maxDepth: number;
  maxKeys: number;
  maxArrayLength: number;
}

export interface JsonLimitViolation {
  /** The setting that raises the limit. */
  limit: 'JSON_MAX_DEPTH' | 'JSON_MAX_KEYS' | 'JSON_MAX_ARRAY_LENGTH';
  max: number;
  message: string;
}

const quote = 0x22;
const backslash = 0x5c;
const comma = 0x2c;
const colon = 0x3a;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * The first limit a JSON text breaks, found in one pass over the raw text with an explicit
 * stack, so a hostile nesting depth costs a counter rather than a stack frame. It only counts
 * (brackets outside strings, commas per container); whether the text is valid JSON is
 * `JSON.parse`'s to say afterwards.
 * @example findJsonLimitViolation('[[[]]]', { maxDepth: 2, maxKeys: 10, maxArrayLength: 10 })?.limit; // 'JSON_MAX_DEPTH'
 */
export function findJsonLimitViolation(text: string, limits: JsonLimits): JsonLimitViolation | undefined {
  // Per open container, innermost last: how many members it has so far, and whether it is an object.
  const members: number[] = [];
  const isObject: boolean[] = [];
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === backslash) index++;
      else if (code === quote) inString = false;
      continue;
    }
    if (isWhitespace(code) || code === colon) continue;
    const depth = members.length;
    if (code === closeBrace || code === closeBracket) {
      members.pop();
      isObject.pop();
      continue;
    }
    if (code === comma) {
      if (depth === 0) continue;
      const count = (members[depth - 1] ?? 0) + 1;
      members[depth - 1] = count;
      const object = isObject[depth - 1] === true;
      const max = object ? limits.maxKeys : limits.maxArrayLength;
      if (count > max) {
        return object
          ? { limit: 'JSON_MAX_KEYS', max, message: `An object in the request body has more than ${max} keys (JSON_MAX_KEYS)` }
          : { limit: 'JSON_MAX_ARRAY_LENGTH', max, message: `An array in the request body has more than ${max} elements (JSON_MAX_ARRAY_LENGTH)` };
      }
      continue;
    }
    // Anything else starts (or continues) a member of the innermost container.
    if (depth > 0 && members[depth - 1] === 0) members[depth - 1] = 1;
    if (code === quote) {
      inString = true;
    } else if (code === openBrace || code === openBracket) {
      if (depth + 1 > limits.maxDepth) {
        return { limit: 'JSON_MAX_DEPTH', max: limits.maxDepth, message: `The request body nests deeper than ${limits.maxDepth} levels (JSON_MAX_DEPTH)` };
      }
      members.push(0);
      isObject.push(code === openBrace);
    }
  }
  return undefined;
}
