import { splitSentences } from '../split-sentences.ts';

/**
 * A piece of a passage the offline answerer may quote whole: a sentence, one item of a
 * bulleted list, a list with the sentence that introduces it (numbered: steps), or a table row.
 */
export interface PassageUnit {
  kind: 'sentence' | 'item' | 'list' | 'steps' | 'row';
  /** Plain text (Markdown emphasis, code and links removed); a list keeps one line per item under its lead-in. */
  text: string;
  /** Order within the passage, for reading order. */
  position: number;
  /** What a table row or a list item is about: its first cell, or the words before its colon ("Electronics", "Express"). */
  key?: string;
  /** Items of one bulleted list share this number, so a question asking "which" can be given them all. */
  list?: number;
}

const bullet = /^\s*[-*+]\s+/;
const numbered = /^\s*\d+[.)]\s+/;

/**
 * Cut a Markdown passage into quotable units. Lists are read as lists, not as prose: a list
 * marker is removed whole ("- 10% of …" keeps its "10%"), numbered steps stay together under
 * their lead-in, and a table becomes one sentence per row. A chunk that starts mid-sentence
 * (chunks overlap) drops that fragment.
 * @example passageUnits('Cancel before it ships:\n\n1. Open Orders.\n2. Select Cancel.') // [{ kind: 'steps', text: 'Cancel before it ships:\n1. Open Orders.\n2. Select Cancel.' }]
 */
export function passageUnits(markdown: string): PassageUnit[] {
  const units: Unit[] = [];
  let lists = 0;
  const blocks = markdown.replace(/\r\n?/g, '\n').split(/\n\s*\n/).map((block) => block.split('\n').filter((line) => line.trim() !== ''));
  for (const lines of blocks) {
    if (lines.length === 0) continue;
    if (lines.every((line) => line.trim().startsWith('|'))) {
      units.push(...tableRows(lines));
    } else if (numbered.test(lines[0]!) || bullet.test(lines[0]!)) {
      const ordered = numbered.test(lines[0]!);
      const items = listItems(lines, ordered ? numbered : bullet).map((item, step) => (ordered ? `${step + 1}. ${item}` : `- ${item}`));
      // "…you can cancel the whole order or individual items:" belongs with what it introduces.
      const lead = units.at(-1)?.kind === 'sentence' && units.at(-1)!.text.endsWith(':') ? units.pop()!.text : undefined;
      if (ordered || lead) units.push({ kind: ordered ? 'steps' : 'list', text: [lead, ...items].filter(Boolean).join('\n') });
      else units.push(...items.map((item) => ({ kind: 'item' as const, text: item.slice(2), list: lists, ...keyOf(item.slice(2)) })));
      lists += 1;
    } else {
      units.push(...splitSentences(plain(lines.join(' '))).map((text) => ({ kind: 'sentence' as const, text })));
    }
  }
  const first = units[0];
  if (first && /^[a-z,;)]/.test(first.text)) units.shift();
  return units.filter((unit) => unit.text.length > 3).map((unit, position) => ({ ...unit, position }));
}

type Unit = Omit<PassageUnit, 'position'>;

function keyOf(item: string): { key?: string } {
  const key = /^([^:;.]{2,200}):\s/.exec(item)?.[1]?.replace(/\([^)]*\)/g, '').trim();
  return key && key.length <= 40 ? { key } : {};
}

/** List items with their continuation lines, markers removed, Markdown made plain. */
function listItems(lines: string[], marker: RegExp): string[] {
  const items: string[] = [];
  for (const line of lines) {
    if (marker.test(line) || items.length === 0) items.push(line.replace(marker, ''));
    else items[items.length - 1] += ` ${line.trim()}`;
  }
  return items.map(plain);
}

function tableRows(lines: string[]): Unit[] {
  const cells = (line: string) => line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => plain(cell));
  const [header, ...rows] = lines.map(cells);
  return rows
    .filter((row) => !row.every((cell) => /^:?-{2,}:?$/.test(cell)))
    .map((row) => ({
      kind: 'row' as const,
      key: row[0],
      text: `${row[0]}: ${row.slice(1).map((cell, column) => `${(header?.[column + 1] ?? '').toLowerCase()} ${cell}`.trim()).join('; ')}.`,
    }));
}

/** Markdown inline syntax removed: emphasis, code, links. */
export function plain(text: string): string {
  return text
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/(^|[\s(])\*([^*\s][^*]*)\*/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
