import { checkGrounding, citedLabels, splitSentences, type GroundingEvidence } from '../agents/index.ts';
import { AppError } from '../errors.ts';

/** One labelled question of `data/eval/answers.jsonl`. */
export interface AnswerCase {
  question: string;
  /** Text the answer must contain, each entry a string or a list of acceptable alternatives. */
  facts: Array<string | string[]>;
  /** Documents the answer should cite (at least one of them). */
  documents: string[];
  /** The knowledge base does not cover it: the answer must say so. */
  uncovered: boolean;
}

/** What the service answered, with the evidence of the run. */
export interface AnsweredCase {
  answer: string;
  status: string;
  evidence: GroundingEvidence;
}

export interface AnswerEvaluation {
  questions: number;
  /** Of the questions the knowledge base covers: the answer holds every expected fact. */
  containsExpectedFacts: number;
  /** Of those: the answer cites one of the expected documents. */
  citesExpectedDocument: number;
  /** Of all answers: every citation names a passage retrieved in the run (and a covered answer cites at least one). */
  citationsResolve: number;
  /** Of all answers: no citation unresolved and no number unsupported (the finish-time grounding check). */
  grounded: number;
  /** Of the questions it does not cover: the answer says so. */
  uncoveredSaidSo: number;
  /** Covered questions answered "not covered" (must be 0). */
  coveredAnsweredNotCovered: number;
  /** Answers with a sentence said twice (must be 0). */
  repeatedSentences: number;
  misses: Array<{ question: string; problems: string[]; answer: string }>;
}

const notCovered = /does not cover|not covered/i;
const normal = (text: string) => text.toLowerCase().replace(/[‐-―]/g, '-').replace(/\s+/g, ' ');

/**
 * Answer-level figures over labelled questions: does the answer hold the expected facts, cite
 * the expected documents, resolve every citation, pass the grounding check, say "not covered"
 * exactly when it should, and never repeat a sentence.
 * @example scoreAnswers([{ labelled, answered }]).containsExpectedFacts // 0.95
 */
export function scoreAnswers(results: Array<{ labelled: AnswerCase; answered: AnsweredCase }>): AnswerEvaluation {
  if (results.length === 0) throw new AppError('BAD_REQUEST', 'No questions to evaluate');
  const totals = { facts: 0, documents: 0, resolve: 0, grounded: 0, uncovered: 0, wronglyUncovered: 0, repeated: 0 };
  const misses: AnswerEvaluation['misses'] = [];
  for (const { labelled, answered } of results) {
    const problems: string[] = [];
    const answer = normal(answered.answer);
    const labels = citedLabels(answered.answer);
    const retrieved = new Set(answered.evidence.retrieved.map((passage) => `${passage.documentId}#${passage.chunkIndex}`));
    const saysNotCovered = notCovered.test(answered.answer);
    const resolves = labels.every((label) => retrieved.has(`${label.documentId}#${label.chunkIndex}`)) && (labelled.uncovered || labels.length > 0);
    if (resolves) totals.resolve += 1;
    else problems.push('a citation does not resolve, or a covered answer cites nothing');
    const grounding = checkGrounding(answered.answer, answered.evidence);
    if (grounding.length === 0) totals.grounded += 1;
    else problems.push(...grounding.map((problem) => problem.detail));
    const sentences = splitSentences(answered.answer).map((sentence) => normal(sentence.replace(/\[[^\]]+#\d+\]/g, '')).trim()).filter((sentence) => sentence.length > 20);
    if (new Set(sentences).size < sentences.length) {
      totals.repeated += 1;
      problems.push('a sentence is said twice');
    }
    if (labelled.uncovered) {
      if (saysNotCovered) totals.uncovered += 1;
      else problems.push('answered a question the knowledge base does not cover');
    } else {
      const missing = labelled.facts.filter((fact) => ![fact].flat().some((alternative) => answer.includes(normal(alternative))));
      if (missing.length === 0) totals.facts += 1;
      else problems.push(`missing ${missing.map((fact) => JSON.stringify(fact)).join(', ')}`);
      if (labels.some((label) => labelled.documents.includes(label.documentId))) totals.documents += 1;
      else problems.push(`cites none of ${labelled.documents.join(', ')}`);
      if (saysNotCovered) {
        totals.wronglyUncovered += 1;
        problems.push('answered "not covered"');
      }
    }
    if (problems.length > 0) misses.push({ question: labelled.question, problems, answer: answered.answer });
  }
  const covered = results.filter(({ labelled }) => !labelled.uncovered).length;
  const share = (value: number, of: number) => (of === 0 ? 1 : Math.round((value / of) * 1000) / 1000);
  return {
    questions: results.length,
    containsExpectedFacts: share(totals.facts, covered),
    citesExpectedDocument: share(totals.documents, covered),
    citationsResolve: share(totals.resolve, results.length),
    grounded: share(totals.grounded, results.length),
    uncoveredSaidSo: share(totals.uncovered, results.length - covered),
    coveredAnsweredNotCovered: totals.wronglyUncovered,
    repeatedSentences: totals.repeated,
    misses,
  };
}

/** Parse JSON lines of `{ "question", "facts", "documents" }` or `{ "question", "uncovered": true }`, naming every bad line. */
export function parseAnswerCases(content: string, name = 'answers'): AnswerCase[] {
  const cases: AnswerCase[] = [];
  const issues: string[] = [];
  const isFact = (fact: unknown) => typeof fact === 'string' || (Array.isArray(fact) && fact.length > 0 && fact.every((item) => typeof item === 'string'));
  content.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const value = JSON.parse(line) as { question?: unknown; facts?: unknown; documents?: unknown; uncovered?: unknown };
      const uncovered = value.uncovered === true;
      const facts = Array.isArray(value.facts) && value.facts.every(isFact) ? (value.facts as AnswerCase['facts']) : undefined;
      const documents = Array.isArray(value.documents) && value.documents.every((id) => typeof id === 'string') ? (value.documents as string[]) : undefined;
      if (typeof value.question !== 'string' || (!uncovered && (!facts?.length || !documents?.length))) {
        issues.push(`${name}:${index + 1} needs a string "question" and either non-empty "facts" and "documents" or "uncovered": true`);
        return;
      }
      cases.push({ question: value.question, facts: facts ?? [], documents: documents ?? [], uncovered });
    } catch {
      issues.push(`${name}:${index + 1} is not valid JSON`);
    }
  });
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', `Invalid lines in ${name}`, { details: issues });
  return cases;
}
