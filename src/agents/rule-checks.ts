import type { DomainReviewCheck, ReviewSubject, RuleCheck } from '../contracts/index.ts';
import { citedLabels } from './prompts/retriever-prompt.ts';

const policyGrounds = /\b(because|since|due to|per (?:the )?policy|eligible|entitled|late|delayed)\b/i;

// What the customer must never read: internal identifiers, amounts in cents, JSON.
const internalText: Array<{ pattern: RegExp; what: string }> = [
  { pattern: /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/, what: 'an internal identifier' },
  { pattern: /\b[a-z]+[A-Z][A-Za-z]*\b/, what: 'an internal field name' },
  { pattern: /\bcents\b/i, what: 'an amount in cents' },
  { pattern: /\{\s*"/, what: 'raw data' },
];

/**
 * Deterministic checks the reviewer always runs, whatever model it uses: the generic ones
 * here, then the domain's own. A failed check forces a "revise" verdict: models judge, rules guard.
 * @example runRuleChecks(subject, brightcartReviewChecks)
 */
export function runRuleChecks(subject: ReviewSubject, domainChecks: DomainReviewCheck[] = []): RuleCheck[] {
  const checks: RuleCheck[] = [];
  const effects = subject.actions.filter((action) => action.risk !== 'read');
  const done = effects.filter((action) => action.status === 'ok');
  const answer = subject.answer?.trim();

  if (answer && !/does not cover|not covered/i.test(answer)) {
    const labels = citedLabels(answer);
    checks.push({
      name: 'answer-cites-sources',
      passed: labels.length > 0,
      detail: labels.length > 0 ? `answer cites ${labels.length} passage(s)` : 'the answer makes claims without citing any passage',
    });
    const unknown = labels.filter(
      (label) => !subject.citations.some((citation) => citation.documentId === label.documentId && citation.chunkIndex === label.chunkIndex),
    );
    checks.push({
      name: 'citations-resolve',
      passed: unknown.length === 0,
      detail: unknown.length === 0
        ? 'every citation refers to a retrieved passage'
        : `cites passages that were not retrieved: ${unknown.map((label) => `${label.documentId}#${label.chunkIndex}`).join(', ')}`,
    });
  }

  const customerText = [answer, subject.summary?.trim()].filter((text): text is string => Boolean(text));
  if (customerText.length > 0) {
    // Named in the detail by kind, never by the offending text, since the detail may reach the customer.
    const tools = new Set(subject.actions.map((action) => action.tool));
    const found = new Set<string>();
    for (const text of customerText) {
      if ([...tools].some((tool) => text.includes(tool))) found.add('a tool name');
      for (const { pattern, what } of internalText) if (pattern.test(text)) found.add(what);
    }
    checks.push({
      name: 'customer-text-clean',
      passed: found.size === 0,
      detail: found.size === 0 ? 'the text for the customer shows no internal details' : `the text for the customer shows ${[...found].join(', ')}`,
    });
  }
  if (effects.length > 0) {
    // Invalid or refused calls changed nothing; a failure that a later call of the same tool
    // made good is settled. What is left did, or may have, gone wrong.
    const failed = effects.filter(
      (action, index) =>
        (action.status === 'failed' || action.status === 'in_doubt') &&
        !effects.slice(index + 1).some((later) => later.tool === action.tool && later.status === 'ok'),
    );
    checks.push({
      name: 'actions-succeeded',
      passed: failed.length === 0,
      detail: failed.length === 0 ? `${done.length} action(s) completed` : `${failed.map((action) => `${action.tool} ${action.status}`).join(', ')}`,
    });
    const unconfirmed = done.filter((action) => action.postCheck !== undefined && !action.postCheck.confirmed);
    checks.push({
      name: 'effects-confirmed',
      passed: unconfirmed.length === 0,
      detail: unconfirmed.length === 0
        ? `${done.filter((action) => action.postCheck?.confirmed).length} effect(s) confirmed in the records`
        : unconfirmed.map((action) => `${action.postCheck!.checks.filter((check) => !check.confirmed).map((check) => check.detail).join('; ')}`).join(', '),
    });
    const signatures = done.map((action) => `${action.tool}:${JSON.stringify(action.args)}`);
    const duplicates = signatures.filter((signature, index) => signatures.indexOf(signature) !== index);
    checks.push({
      name: 'no-duplicate-effects',
      passed: duplicates.length === 0,
      detail: duplicates.length === 0 ? 'no action was performed twice' : `performed more than once: ${duplicates.join(', ')}`,
    });
  }

  if (done.length > 0 && policyGrounds.test(subject.task)) {
    checks.push({
      name: 'action-backed-by-policy',
      passed: subject.citations.length > 0,
      detail: subject.citations.length > 0
        ? `policy evidence: ${subject.citations.map((citation) => `${citation.documentId}#${citation.chunkIndex}`).join(', ')}`
        : 'the action claims a policy ground but no policy passage was retrieved',
    });
  }

  for (const domainCheck of domainChecks) checks.push(...domainCheck(subject));
  return checks;
}
