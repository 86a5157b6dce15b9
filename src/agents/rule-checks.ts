import type { RuleCheck } from './prompts/reviewer-prompt.ts';
import { citedLabels } from './prompts/retriever-prompt.ts';
import { daysSinceDelivery, lateRefundWindowDays } from '../tools/index.ts';

interface ReviewedAction {
  tool: string;
  args: unknown;
  risk?: 'read' | 'write' | 'irreversible';
  status: string;
  result?: unknown;
}

export interface ReviewSubject {
  task: string;
  answer?: string;
  citations: Array<{ documentId: string; chunkIndex: number }>;
  actions: ReviewedAction[];
}

const policyGrounds = /\b(because|since|due to|per (?:the )?policy|eligible|entitled|late|delayed)\b/i;
const lateClaim = /\b(late|delayed|arrived after)\b/i;

/**
 * Deterministic checks the reviewer always runs, whatever model it uses. A failed check
 * forces a "revise" verdict: models judge, rules guard.
 */
export function runRuleChecks(subject: ReviewSubject): RuleCheck[] {
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

  if (done.length > 0 && lateClaim.test(subject.task)) {
    const sla = subject.actions.find((action) => action.tool === 'check_shipment_sla' && action.status === 'ok');
    const late = (sla?.result as { late?: unknown } | undefined)?.late === true;
    checks.push({
      name: 'late-delivery-verified',
      passed: late,
      detail: late ? 'the shipment check confirms the order was late' : 'the request says the order was late, but no shipment check confirmed it',
    });
    const refunded = done.some((action) => action.tool === 'issue_refund');
    const { deliveredAt, asOf } = (sla?.result ?? {}) as { deliveredAt?: string | null; asOf?: string };
    if (refunded && deliveredAt && asOf) {
      const days = daysSinceDelivery(deliveredAt, asOf);
      checks.push({
        name: 'late-refund-window',
        passed: days <= lateRefundWindowDays,
        detail: `refund requested ${days} day(s) after delivery (window: ${lateRefundWindowDays})`,
      });
    }
  }
  return checks;
}
