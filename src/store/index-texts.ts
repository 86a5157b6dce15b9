/** One text to embed or match, and the field path it came from (`"$"`, `"title"`, `"tags.0"`). */
export interface IndexedText {
  field: string;
  text: string;
}

/**
 * The texts an item is indexed by, with InMemoryStore's rules: each field path yields its
 * texts; a path yielding several is numbered `path.0`, `path.1`, ...; `index: false` yields none.
 */
export function indexedTexts(value: Record<string, unknown>, fields: string[] | false): IndexedText[] {
  if (fields === false) return [];
  const result: IndexedText[] = [];
  for (const field of fields) {
    const texts = textsAtPath(value, field);
    if (texts.length === 1) result.push({ field, text: texts[0] as string });
    else texts.forEach((text, position) => result.push({ field: `${field}.${position}`, text }));
  }
  return result;
}

/**
 * Texts at a JSON path: `"$"` (whole value), `"a.b"`, `"list[*].text"`, `"list[-1]"`, `"*"`,
 * `"{a,b.c}"`. A port of LangGraph's internal `getTextAtPath`, which the package does not export.
 */
export function textsAtPath(value: unknown, path: string): string[] {
  if (!path || path === '$') return [JSON.stringify(value, null, 2)];
  return extract(value, tokenizePath(path), 0);
}

function extract(current: unknown, tokens: string[], position: number): string[] {
  if (position >= tokens.length) return leafTexts(current);
  const token = tokens[position] as string;
  if (token.startsWith('[') && token.endsWith(']')) {
    if (!Array.isArray(current)) return [];
    const index = token.slice(1, -1);
    if (index === '*') return current.flatMap((element) => extract(element, tokens, position + 1));
    let at = Number.parseInt(index, 10);
    if (Number.isNaN(at)) return [];
    if (at < 0) at += current.length;
    return at >= 0 && at < current.length ? extract(current[at], tokens, position + 1) : [];
  }
  if (token.startsWith('{') && token.endsWith('}')) {
    if (typeof current !== 'object' || current === null) return [];
    return token
      .slice(1, -1)
      .split(',')
      .flatMap((field) => leafTexts(walk(current, tokenizePath(field.trim()))));
  }
  if (token === '*') {
    const children = Array.isArray(current) ? current : typeof current === 'object' && current !== null ? Object.values(current) : [];
    return children.flatMap((child) => extract(child, tokens, position + 1));
  }
  if (typeof current === 'object' && current !== null && token in current) {
    return extract((current as Record<string, unknown>)[token], tokens, position + 1);
  }
  return [];
}

function walk(current: unknown, tokens: string[]): unknown {
  let node = current;
  for (const token of tokens) {
    if (typeof node !== 'object' || node === null || !(token in node)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

function leafTexts(value: unknown): string[] {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (typeof value === 'object' && value !== null) return [JSON.stringify(value, null, 2)];
  return [];
}

/** `"chapters[*].content"` → `["chapters", "[*]", "content"]`; braces group `{a,b}` as one token. */
function tokenizePath(path: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let position = 0;
  while (position < path.length) {
    const character = path[position] as string;
    if (character === '[' || character === '{') {
      if (current) tokens.push(current);
      current = '';
      const close = character === '[' ? ']' : '}';
      let depth = 0;
      let group = '';
      do {
        const next = path[position] as string;
        if (next === character) depth += 1;
        else if (next === close) depth -= 1;
        group += next;
        position += 1;
      } while (position < path.length && depth > 0);
      tokens.push(group);
      continue;
    }
    if (character === '.') {
      if (current) tokens.push(current);
      current = '';
    } else {
      current += character;
    }
    position += 1;
  }
  if (current) tokens.push(current);
  return tokens;
}
