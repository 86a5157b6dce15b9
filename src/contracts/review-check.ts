/** One deterministic check the reviewer ran, and what it found. */
export interface RuleCheck {
  name: string;
  passed: boolean;
  detail: string;
}

/** An action as the reviewer sees it: what was called, how it ended, and what the records confirm. */
export interface ReviewedAction {
  tool: string;
  args: unknown;
  risk?: 'read' | 'write' | 'irreversible';
  status: string;
  result?: unknown;
  /** After a write: whether its effect was found in the domain's records as proposed. */
  postCheck?: { confirmed: boolean; checks: Array<{ rule: string; confirmed: boolean; detail: string }> };
}

/** What the reviewer checks: the task, the answer or the executor's summary, citations and actions. */
export interface ReviewSubject {
  task: string;
  answer?: string;
  /** What the executor reported; it reaches the customer too. */
  summary?: string;
  citations: Array<{ documentId: string; chunkIndex: number }>;
  actions: ReviewedAction[];
}

/**
 * A domain's own review rule, run beside the generic checks on every review (for the sample
 * domain: a refund for a late delivery needs the shipment check that confirms it).
 * @example const lateDeliveryVerified: DomainReviewCheck = (subject) => [...];
 */
export type DomainReviewCheck = (subject: ReviewSubject) => RuleCheck[];
