export interface FrontMatter {
  /** `key: value` pairs of the block; numbers and booleans are converted, anything else stays text. */
  attributes: Record<string, string | number | boolean>;
  /** The text after the block (the whole text when there is none). */
  body: string;
}

/**
 * Read a simple front matter block: a first line `---`, then `key: value` lines, then `---`.
 * Deliberately not YAML: no nesting, lists or multi-line values, so there is nothing to
 * misparse. Text without such a block is returned whole with no attributes.
 * @example parseFrontMatter('---\ntitle: Refunds\n---\n# Refunds') // { attributes: { title: 'Refunds' }, body: '# Refunds' }
 */
export function parseFrontMatter(text: string): FrontMatter {
  const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match?.[1]) return { attributes: {}, body: text };
  const attributes: Record<string, string | number | boolean> = {};
  for (const line of match[1].split(/\r?\n/)) {
    const pair = /^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$/.exec(line);
    if (pair?.[1] === undefined) continue;
    attributes[pair[1]] = parseValue(pair[2] ?? '');
  }
  return { attributes, body: text.slice(match[0].length) };
}

function parseValue(raw: string): string | number | boolean {
  const unquoted = /^(["'])(.*)\1$/.exec(raw)?.[2];
  if (unquoted !== undefined) return unquoted;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}
