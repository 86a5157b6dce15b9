import { extractQuantities } from '../extract-quantities.ts';
import { citationLabel, readRetrieverPrompt, type PromptPassage } from '../prompts/retriever-prompt.ts';
import { tokenize } from '../text-similarity.ts';
import type { OfflinePolicy } from './offline-chat-model.ts';
import { passageUnits, type PassageUnit } from './passage-units.ts';

const notCovered = 'The knowledge base does not cover this.';
/** Units quoted at most, a list counting as one. */
const unitsInAnswer = 3;
/** A further unit must score this share of the best one to be quoted beside it. */
const companionShare = 0.75;
const otherPassageShare = 0.85;
const minimumCompanionScore = 0.25;
/** Section headings say what a passage is about, but less than its own words do. */
const headingWeight = 0.6;
/** A term found elsewhere in the same document ("Canada" in the page's introduction) counts a little. */
const documentWeight = 0.3;
const headingBonus = 0.3;
const questionWords = /\bhow (?:long|much|many|soon|often|quickly|fast|do|does|can|should)\b|\bwhat (?:is|are|do|does)\b|\btake\b/gi;

type Intent = 'duration' | 'date' | 'amount' | 'procedure' | 'enumeration' | 'other';

interface Candidate extends PassageUnit {
  passage: PromptPassage;
  rank: number;
  /** Share of the question's terms the unit (or its headings) contains. */
  overlap: number;
  score: number;
}

/**
 * Offline answering is extractive: whole units of the given passages (sentences, list items,
 * numbered steps with their lead-in, table rows) that best answer the task, each followed by
 * its citation label. A unit is scored by the question's terms in it and in its section's
 * headings, and by whether it holds what the question asks for: a duration for "how long", an
 * amount for "how much", steps for "how do I". It never writes a sentence that is not in a
 * passage, and never the same one twice; it says "not covered" only when no passage shares a
 * single term with the question.
 */
export const offlineAnswerPolicy: OfflinePolicy = ({ messages }) => {
  const { task, passages } = readRetrieverPrompt(messages);
  const intent = intentOf(task);
  // "How long", "how much", "how do I" say what kind of answer is wanted (the intent), not what it is about.
  const terms = new Set(tokenize(task.replace(questionWords, ' ')));
  const documentTerms = new Map<string, Set<string>>();
  for (const passage of passages) {
    const known = documentTerms.get(passage.documentId) ?? new Set<string>();
    for (const term of tokenize(`${passage.title ?? ''} ${passage.text}`)) known.add(term);
    documentTerms.set(passage.documentId, known);
  }
  const candidates: Candidate[] = passages.flatMap((passage, rank) => {
    const context = { headings: new Set(tokenize((passage.headings ?? [passage.title ?? '']).join(' '))), document: documentTerms.get(passage.documentId)! };
    return passageUnits(passage.text).map((unit) => {
      const overlap = overlapWithContext(terms, unit.text, context);
      // Earlier passages ranked higher in retrieval, earlier units come first in reading: ties go to them.
      const score = overlap + (overlap > 0 ? fitsIntent(unit, intent) + keyBonus(unit, terms) : 0) - rank * 0.01 - unit.position * 0.001;
      return { ...unit, passage, rank, overlap, score };
    });
  });
  const ranked = candidates.filter((candidate) => candidate.overlap > 0).sort((left, right) => right.score - left.score);
  const best = ranked[0];
  if (!best) return { content: notCovered };
  // "Which payment methods…": the whole list the best item belongs to is the answer.
  if (intent === 'enumeration' && best.kind === 'item') {
    const items = candidates.filter((candidate) => candidate.passage === best.passage && candidate.list === best.list);
    return { content: `${items.map((item) => `- ${item.text}`).join('\n')} ${citationLabel(best.passage)}` };
  }
  const chosen: Candidate[] = [best];
  for (const candidate of ranked.slice(1)) {
    if (chosen.length >= unitsInAnswer) break;
    // Beside the best unit, its own passage's context is welcome; another passage must answer nearly as well.
    const share = candidate.passage === best.passage ? companionShare : otherPassageShare;
    if (candidate.score < Math.max(minimumCompanionScore, best.score * share)) continue;
    // One set of steps answers "how do I"; a second procedure beside it is another question's answer.
    if (chosen.some((unit) => repeats(unit.text, candidate.text) || (unit.kind === 'steps' && candidate.kind === 'steps'))) continue;
    chosen.push(candidate);
  }
  return { content: render(chosen) };
};

function intentOf(task: string): Intent {
  const text = task.toLowerCase();
  if (/\bhow (?:do|can|should) (?:i|we|you)\b|\bhow to\b|\bsteps?\b|\bprocess\b|\bwhat do i (?:do|need to do)\b|\bwhere do i\b/.test(text)) return 'procedure';
  if (/\bhow (?:long|soon|quickly|fast|many (?:days|hours|weeks|months|years))\b|\bdeadline\b|\bwithin\b|\b(?:delivery|shipping|transit|response|processing) times?\b/.test(text)) return 'duration';
  if (/\bwhen\b|\bexpire/.test(text)) return 'date';
  if (/\bwhich\b|\bwhat (?:kinds?|types?|sorts?)\b|\blist\b|\bwhat [a-z]+ [a-z]+ (?:do|does|can) (?:you|i|we)\b/.test(text)) return 'enumeration';
  if (/\bhow much\b|\bcost\b|\bfee\b|\bprice\b|\bcharge\b|\bpercent|\bcompensation\b|\bmaximum\b|\blimit\b|\bcap\b/.test(text)) return 'amount';
  return 'other';
}

/** A bonus for a unit that holds what the question asks for. */
function fitsIntent(unit: PassageUnit, intent: Intent): number {
  // A page's own introduction ("This page explains …") rarely answers anything.
  if (/^this (?:page|policy) (?:explains|describes)/i.test(unit.text)) return -0.2;
  const kinds = new Set(extractQuantities(unit.text).map((quantity) => quantity.kind));
  if (intent === 'procedure') return unit.kind === 'steps' ? 0.4 : unit.kind === 'list' ? 0.1 : 0;
  if (intent === 'enumeration') return unit.kind === 'item' || unit.kind === 'list' || unit.kind === 'row' ? 0.3 : 0;
  // "How long" is answered by a duration more than by an example date; "when" by either.
  if (intent === 'duration') return kinds.has('duration') ? 0.25 : kinds.has('date') ? 0.1 : 0;
  if (intent === 'date') return kinds.has('duration') || kinds.has('date') ? 0.25 : 0;
  if (intent === 'amount') return kinds.has('money') || kinds.has('percent') ? 0.25 : 0;
  return 0;
}

/** A table row or list item labelled with what is asked ("Express: …" for express shipping) is a direct lookup. */
function keyBonus(unit: PassageUnit, terms: Set<string>): number {
  const key = tokenize(unit.key ?? '');
  return key.length > 0 && key.filter((term) => terms.has(term)).length / key.length >= 2 / 3 ? 0.3 : 0;
}

/** Share of the question's terms in the unit, counting a term in its headings or elsewhere in its document for less. */
function overlapWithContext(terms: Set<string>, text: string, context: { headings: Set<string>; document: Set<string> }): number {
  if (terms.size === 0) return 0;
  const own = new Set(tokenize(text));
  let score = 0;
  for (const term of terms) {
    score += own.has(term) ? 1 : context.headings.has(term) ? headingWeight : context.document.has(term) ? documentWeight : 0;
    // A section whose heading names what is asked is about it, beyond any words it shares.
    if (context.headings.has(term)) score += headingBonus;
  }
  return score / terms.size;
}

/** The same text, or one contained in the other (chunks overlap, documents repeat themselves). */
function repeats(left: string, right: string): boolean {
  const normal = (text: string) => text.toLowerCase().replace(/[^a-z0-9%$]+/g, ' ').trim();
  const [a, b] = [normal(left), normal(right)];
  return a === b || a.includes(b) || b.includes(a);
}

/** Reading order: passages as first quoted, units in passage order; lists on their own lines. */
function render(chosen: Candidate[]): string {
  const passageOrder = [...new Set(chosen.map((unit) => unit.passage))];
  const ordered = [...chosen].sort((left, right) => passageOrder.indexOf(left.passage) - passageOrder.indexOf(right.passage) || left.position - right.position);
  const parts = ordered.map((unit) => `${unit.text} ${citationLabel(unit.passage)}`);
  return parts.reduce((text, part, index) => (index === 0 ? part : `${text}${part.includes('\n') || parts[index - 1]!.includes('\n') ? '\n' : ' '}${part}`), '');
}
