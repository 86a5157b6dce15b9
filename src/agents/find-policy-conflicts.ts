import { extractQuantities, type Quantity } from './extract-quantities.ts';
import { splitSentences } from './split-sentences.ts';
import { overlapScore } from './text-similarity.ts';

export interface ScopedPassage {
  documentId: string;
  chunkIndex: number;
  text: string;
  /** `shared` for company policy every tenant reads, `tenant` for a tenant's own upload. */
  scope?: 'shared' | 'tenant';
}

export interface PolicyConflict {
  /** The tenant passage that loses: `document#chunk`. */
  tenant: string;
  /** The shared passage that wins. */
  shared: string;
  detail: string;
}

/** How much of a tenant sentence's wording a shared sentence must repeat to be about the same thing. */
const sameTopic = 0.5;

/**
 * Tenant uploads that contradict shared policy: a tenant sentence and a shared sentence about
 * the same thing (most of the tenant sentence's terms) that state different amounts, percentages
 * or durations of the same kind. Shared policy outranks a tenant's upload, however new; the
 * caller sets the tenant passage aside and reports the conflict.
 * @example findPolicyConflicts([{ documentId: 'our-returns', chunkIndex: 0, text: 'Returns within 60 days of delivery.', scope: 'tenant' }, sharedReturns])
 * // [{ tenant: 'our-returns#0', shared: 'returns-and-exchanges#1', detail: '… says "60 days" where … says "30 days"' }]
 */
export function findPolicyConflicts(passages: readonly ScopedPassage[]): PolicyConflict[] {
  const shared = passages.filter((passage) => passage.scope === 'shared').flatMap(sentencesOf);
  const conflicts: PolicyConflict[] = [];
  for (const passage of passages.filter((candidate) => candidate.scope === 'tenant')) {
    const label = `${passage.documentId}#${passage.chunkIndex}`;
    for (const sentence of sentencesOf(passage)) {
      const contradicted = shared.find((other) => overlapScore(withoutNumbers(sentence.text), other.text) >= sameTopic && disagree(sentence.quantities, other.quantities));
      if (!contradicted) continue;
      conflicts.push({
        tenant: label,
        shared: contradicted.label,
        detail: `tenant document ${label} says ${quote(sentence.quantities)} where shared policy [${contradicted.label}] says ${quote(contradicted.quantities)}; the shared policy is used`,
      });
      break;
    }
  }
  return conflicts;
}

function sentencesOf(passage: ScopedPassage) {
  const label = `${passage.documentId}#${passage.chunkIndex}`;
  return splitSentences(passage.text)
    .map((text) => ({ label, text, quantities: extractQuantities(text).filter((quantity) => quantity.kind !== 'date') }))
    .filter((sentence) => sentence.quantities.length > 0);
}

const kindOf = (quantity: Quantity) => (quantity.kind === 'duration' ? `duration:${quantity.unit}` : quantity.kind);
const valueOf = (quantity: Quantity) =>
  quantity.kind === 'money' ? quantity.cents : quantity.kind === 'percent' || quantity.kind === 'duration' ? quantity.value : 0;

/** Both state a quantity of one kind, and none of the values agree. */
function disagree(tenant: Quantity[], shared: Quantity[]): boolean {
  return tenant.some((claim) => {
    const others = shared.filter((other) => kindOf(other) === kindOf(claim));
    const values = new Set(tenant.filter((mine) => kindOf(mine) === kindOf(claim)).map(valueOf));
    return others.length > 0 && others.every((other) => !values.has(valueOf(other)));
  });
}

function withoutNumbers(text: string): string {
  return text.replace(/\d+(?:[.,]\d+)*/g, ' ');
}

function quote(quantities: Quantity[]): string {
  return [...new Set(quantities.map((quantity) => `"${quantity.text.trim()}"`))].join(', ');
}
