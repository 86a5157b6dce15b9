import { findPolicyConflicts } from '../agents/index.ts';
import { scanInputs, type InjectionFlag } from '../tools/index.ts';
import type { Passage } from './state.ts';

export interface ScreenedPassages {
  /** Every passage, those that may not be used as policy marked with `setAside` and why. */
  passages: Passage[];
  /** Injection findings in any of them: they follow the work to the executor. */
  flags: InjectionFlag[];
  /** One line per passage set aside, for the report and the audit log. */
  setAside: string[];
}

/**
 * Knowledge-base text is data, not instructions. A passage the injection rails flag is set
 * aside: never given to the answer model, never cited, never a ground for an action. A tenant
 * upload that contradicts shared policy is set aside too: shared policy outranks it.
 * @example const { passages, flags, setAside } = screenPassages(candidates);
 */
export function screenPassages(candidates: Passage[], options: { against?: Passage[] } = {}): ScreenedPassages {
  const flags = flagsOf(candidates);
  // Shared policy below the relevance cut still outranks a tenant upload that contradicts it.
  const conflicts = findPolicyConflicts([...candidates, ...(options.against ?? []).filter((passage) => !candidates.includes(passage))]);
  const passages = candidates.map((passage) => {
    const label = labelOf(passage);
    const flagged = flags.filter((flag) => flag.origin === originOf(passage));
    const conflict = passage.scope === 'tenant' ? conflicts.find((candidate) => candidate.tenant === label) : undefined;
    const why = flagged.length > 0
      ? `looks like an injection (${[...new Set(flagged.map((flag) => flag.rule))].join(', ')}), so it is not used as policy`
      : conflict?.detail;
    return why ? { ...passage, setAside: why } : passage;
  });
  return { passages, flags, setAside: setAsideReasons(passages) };
}

/** The injection rails over passages, each finding naming its passage. */
export function flagsOf(passages: Passage[]): InjectionFlag[] {
  return scanInputs({ passages: passages.map((passage) => ({ text: passage.text, origin: originOf(passage) })) });
}

/** What the report says about each passage set aside. */
export function setAsideReasons(passages: Passage[]): string[] {
  return passages.filter((passage) => passage.setAside).map((passage) => `${originOf(passage)} ${passage.setAside}`);
}

const labelOf = (passage: Pick<Passage, 'documentId' | 'chunkIndex'>) => `${passage.documentId}#${passage.chunkIndex}`;
// A tenant may upload a document under a shared document's id: its findings must not taint the shared one.
const originOf = (passage: Passage) => (passage.scope === 'tenant' ? `${labelOf(passage)} (tenant upload)` : labelOf(passage));
