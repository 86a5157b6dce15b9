/** A passage of a published policy, quoted when a rule refuses or holds a call. */
export interface PolicySection {
  /** The knowledge-base document the quote comes from, e.g. `refund-policy`. */
  document: string;
  /** How the customer knows the document, e.g. "Refund policy". */
  title: string;
  /** The heading the quote sits under. */
  section: string;
  /** Verbatim text of the document (markup removed). */
  quote: string;
}

/**
 * What one rule says about one proposed call. There is no "adjust": a rule never changes an
 * amount silently; it refuses and says what would be allowed (`details`), so the proposer can
 * propose again and every executed call is one that was proposed and checked.
 */
export type PolicyRuleVerdict =
  | { decision: 'allow'; detail?: string }
  | { decision: 'refuse'; reason: string; section?: PolicySection; details?: Record<string, unknown> }
  /** Allowed only if a person approves, whatever the approval thresholds say. */
  | { decision: 'hold'; reason: string; section?: PolicySection };

/** Where the call happens: enough for a domain to look its facts up and to find its own effect afterwards. */
export interface PolicyCallContext {
  tenantId: string;
  idempotencyKey: string;
  threadId?: string;
}

export interface PolicyRuleInput<Facts> {
  tool: string;
  /** The validated arguments. */
  args: Record<string, unknown>;
  /** Looked up by the domain from its own records for this call, never taken from the model. */
  facts: Facts;
  context: PolicyCallContext;
}

/** A post-check: did the effect land in the system of record as proposed. */
export interface EffectCheck {
  confirmed: boolean;
  detail: string;
}

export interface PolicyRule<Facts> {
  /** Named in refusals, holds (as the approval policy) and the audit log. */
  name: string;
  /** The tools the rule judges. */
  tools: readonly string[];
  description: string;
  check(input: PolicyRuleInput<Facts>): PolicyRuleVerdict;
  /** Checked after the call succeeded, on facts looked up again. */
  confirm?(input: PolicyRuleInput<Facts> & { result: unknown }): EffectCheck;
}

const ruleNamePattern = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * Declare one domain rule over proposed tool calls. Rules are pure functions of the
 * arguments and of facts the domain looks up itself; the engine runs them before approval
 * and before dispatch.
 * @example
 * const noRefundWithoutPayment = definePolicyRule<OrderFacts>({
 *   name: 'refund-needs-payment', tools: ['issue_refund'], description: 'Only paid orders are refunded',
 *   check: ({ facts }) => facts.paidCents > 0 ? { decision: 'allow' } : { decision: 'refuse', reason: 'Nothing was paid.' },
 * });
 */
export function definePolicyRule<Facts>(rule: PolicyRule<Facts>): PolicyRule<Facts> {
  if (!ruleNamePattern.test(rule.name)) throw new TypeError(`Policy rule name "${rule.name}" must be lower-case letters, digits and "-"`);
  if (rule.tools.length === 0) throw new TypeError(`Policy rule "${rule.name}" names no tool`);
  return Object.freeze({ ...rule, tools: [...rule.tools] });
}
