import { citedLabels } from './prompts/retriever-prompt.ts';
import { extractQuantities, extractQuantitiesFromData, quantitySupported, type Quantity } from './extract-quantities.ts';
import { splitSentences } from './split-sentences.ts';

export interface GroundingPassage {
  documentId: string;
  chunkIndex: number;
  text: string;
  /** Why the passage may not be used as policy (an injection flag, a conflict with shared policy). */
  setAside?: string;
}

/** What a run found out: the only ground an answer may stand on. */
export interface GroundingEvidence {
  /** Every passage retrieved in this run, cited or not. */
  retrieved: GroundingPassage[];
  /** Passages the specialists' reports cited; with those the answer cites, the passages its numbers may come from. */
  cited: Array<{ documentId: string; chunkIndex: number }>;
  /** What the tools of this run returned: results, refusal messages, the policy review's facts and quotes. */
  toolResults: unknown[];
}

export interface GroundingProblem {
  kind: 'unresolved-citation' | 'set-aside-citation' | 'unsupported-quantity';
  /** The sentence of the answer the problem is in. */
  sentence: string;
  detail: string;
}

const key = (label: { documentId: string; chunkIndex: number }) => `${label.documentId}#${label.chunkIndex}`;

/**
 * The grounding check every final answer passes, whatever model wrote it and whether or not a
 * reviewer ran: each citation names a passage retrieved in this run (and not one set aside as
 * an injection or overruled by shared policy), and each amount, percentage, duration and date
 * appears in a cited passage or a tool result of this run. Deterministic; no model.
 * @example checkGrounding('Returns within 60 days [returns-and-exchanges#42].', evidence)
 * // [{ kind: 'unresolved-citation', … }, { kind: 'unsupported-quantity', detail: '"60 days" is not in …' }]
 */
export function checkGrounding(answer: string, evidence: GroundingEvidence): GroundingProblem[] {
  const retrieved = new Map(evidence.retrieved.map((passage) => [key(passage), passage]));
  const usable = (label: { documentId: string; chunkIndex: number }) => {
    const passage = retrieved.get(key(label));
    return passage && !passage.setAside ? passage : undefined;
  };
  const citedPassages = [...citedLabels(answer), ...evidence.cited].map(usable).filter((passage) => passage !== undefined);
  const known: Quantity[] = [
    ...[...new Set(citedPassages)].flatMap((passage) => extractQuantities(passage.text)),
    ...evidence.toolResults.flatMap((result) => extractQuantitiesFromData(result)),
  ];
  const problems: GroundingProblem[] = [];
  for (const sentence of splitSentences(answer)) {
    for (const label of citedLabels(sentence)) {
      const passage = retrieved.get(key(label));
      if (!passage) {
        problems.push({ kind: 'unresolved-citation', sentence, detail: `cites [${key(label)}], which was not retrieved in this run` });
      } else if (passage.setAside) {
        problems.push({ kind: 'set-aside-citation', sentence, detail: `cites [${key(label)}], which cannot be used as policy: ${passage.setAside}` });
      }
    }
    for (const claim of extractQuantities(sentence)) {
      if (!quantitySupported(claim, known)) {
        problems.push({ kind: 'unsupported-quantity', sentence, detail: `"${claim.text.trim()}" is in no cited passage or tool result of this run` });
      }
    }
  }
  // A range ("5–10 business days") is one claim to the reader, however many numbers it holds.
  return problems.filter((problem, index) => problems.findIndex((other) => other.sentence === problem.sentence && other.detail === problem.detail) === index);
}

/**
 * The answer without the sentences that have a problem: what stays is grounded. Line breaks
 * between paragraphs are kept; a paragraph left empty goes.
 */
export function withoutSentences(answer: string, sentences: readonly string[]): string {
  const drop = new Set(sentences);
  return answer
    .split(/\n{2,}/)
    .map((paragraph) => paragraph.split('\n').map((line) => splitSentences(line).filter((sentence) => !drop.has(sentence)).join(' ')).filter(Boolean).join('\n'))
    .filter((paragraph) => paragraph.trim() !== '')
    .join('\n\n');
}
