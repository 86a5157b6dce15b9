import type { EffectCheck, PolicyCallContext, PolicyRule, PolicyRuleVerdict, PolicySection } from './define-policy-rule.ts';

/** One rule's verdict on one call, as the audit log and the approver see it. */
export interface RuleOutcome {
  rule: string;
  decision: PolicyRuleVerdict['decision'];
  reason?: string;
  section?: PolicySection;
  details?: Record<string, unknown>;
}

export interface PolicyEvaluation {
  /** Any refusal refuses; otherwise any hold holds; otherwise allowed. */
  decision: 'allow' | 'refuse' | 'hold';
  outcomes: RuleOutcome[];
  /** The facts the rules judged, as `describeFacts` presents them; undefined when no rule applied. */
  facts?: unknown;
  /** For a refusal or a hold: the reasons with their policy quotes, readable by a customer. */
  message?: string;
  /** The rule that held the call, named as the approval policy. */
  holdingRule?: string;
  /** What refusing rules said would be allowed (for example a maximum amount), merged. */
  details?: Record<string, unknown>;
}

export interface EffectConfirmation {
  confirmed: boolean;
  checks: Array<EffectCheck & { rule: string }>;
}

export interface PolicyCallInput {
  tool: string;
  args: unknown;
  context: PolicyCallContext;
}

export interface PolicyEngine {
  /** Names of the rules that judge `tool`. */
  rulesFor(tool: string): string[];
  evaluate(input: PolicyCallInput): Promise<PolicyEvaluation>;
  /** Run the rules' post-checks on freshly looked-up facts; undefined when no rule has one for `tool`. */
  confirm(input: PolicyCallInput & { result: unknown }): Promise<EffectConfirmation | undefined>;
}

export interface PolicyEngineOptions<Facts> {
  rules: PolicyRule<Facts>[];
  /** Look the facts up from the domain's own records, for one proposed call. */
  loadFacts(input: PolicyCallInput): Facts | Promise<Facts>;
  /** What of the facts an approver and the audit log see (default: the facts as they are). */
  describeFacts?(facts: Facts): unknown;
}

/**
 * The policy-as-code engine: for a proposed call, load the domain's facts once, run every
 * rule that judges the tool, and combine their verdicts. Fails closed: facts that cannot be
 * loaded, or a rule that throws, refuse the call. The engine knows no domain; rules, facts and
 * messages all come from the domain that registers them.
 * @example
 * const engine = createPolicyEngine({ rules: orderPolicyRules, loadFacts: ({ args }) => loadOrderPolicyFacts(database, args) });
 * const evaluation = await engine.evaluate({ tool: 'issue_refund', args, context });
 */
export function createPolicyEngine<Facts>(options: PolicyEngineOptions<Facts>): PolicyEngine {
  const describe = options.describeFacts ?? ((facts: Facts) => facts);
  const rulesOf = (tool: string) => options.rules.filter((rule) => rule.tools.includes(tool));

  async function load(input: PolicyCallInput): Promise<{ ok: true; facts: Facts } | { ok: false }> {
    try {
      return { ok: true, facts: await options.loadFacts(input) };
    } catch {
      return { ok: false };
    }
  }

  return {
    rulesFor: (tool) => rulesOf(tool).map((rule) => rule.name),

    async evaluate(input) {
      const rules = rulesOf(input.tool);
      if (rules.length === 0) return { decision: 'allow', outcomes: [] };
      const loaded = await load(input);
      if (!loaded.ok) {
        const reason = 'The records this action depends on could not be looked up, so it is not done.';
        return { decision: 'refuse', outcomes: [{ rule: 'facts-unavailable', decision: 'refuse', reason }], message: reason };
      }
      const args = (input.args ?? {}) as Record<string, unknown>;
      const outcomes = rules.map((rule) => judge(rule, { tool: input.tool, args, facts: loaded.facts, context: input.context }));
      return combine(outcomes, describe(loaded.facts));
    },

    async confirm(input) {
      const rules = rulesOf(input.tool).filter((rule) => rule.confirm !== undefined);
      if (rules.length === 0) return undefined;
      const loaded = await load(input);
      if (!loaded.ok) return { confirmed: false, checks: [{ rule: 'facts-unavailable', confirmed: false, detail: 'the records could not be looked up after the action' }] };
      const args = (input.args ?? {}) as Record<string, unknown>;
      const checks = rules.map((rule) => {
        try {
          return { rule: rule.name, ...rule.confirm!({ tool: input.tool, args, facts: loaded.facts, context: input.context, result: input.result }) };
        } catch {
          return { rule: rule.name, confirmed: false, detail: 'the post-check failed to run' };
        }
      });
      return { confirmed: checks.every((check) => check.confirmed), checks };
    },
  };
}

function judge<Facts>(rule: PolicyRule<Facts>, input: Parameters<PolicyRule<Facts>['check']>[0]): RuleOutcome {
  try {
    const verdict = rule.check(input);
    switch (verdict.decision) {
      case 'allow':
        return { rule: rule.name, decision: 'allow', ...(verdict.detail ? { reason: verdict.detail } : {}) };
      case 'refuse':
        return { rule: rule.name, decision: 'refuse', reason: verdict.reason, ...(verdict.section ? { section: verdict.section } : {}), ...(verdict.details ? { details: verdict.details } : {}) };
      case 'hold':
        return { rule: rule.name, decision: 'hold', reason: verdict.reason, ...(verdict.section ? { section: verdict.section } : {}) };
    }
  } catch {
    // A rule that cannot decide must not let the call through.
    return { rule: rule.name, decision: 'refuse', reason: 'A policy check could not be completed, so the action is not done.' };
  }
}

function combine(outcomes: RuleOutcome[], facts: unknown): PolicyEvaluation {
  const refusals = outcomes.filter((outcome) => outcome.decision === 'refuse');
  if (refusals.length > 0) {
    const details = Object.assign({}, ...refusals.map((outcome) => outcome.details ?? {})) as Record<string, unknown>;
    return { decision: 'refuse', outcomes, facts, message: explain(refusals), ...(Object.keys(details).length > 0 ? { details } : {}) };
  }
  const holds = outcomes.filter((outcome) => outcome.decision === 'hold');
  if (holds.length > 0) return { decision: 'hold', outcomes, facts, message: explain(holds), holdingRule: holds[0]!.rule };
  return { decision: 'allow', outcomes, facts };
}

/** Each reason followed by the policy passage it rests on, quoted. */
export function explain(outcomes: RuleOutcome[]): string {
  return outcomes
    .map((outcome) => (outcome.section ? `${outcome.reason} ${quoteSection(outcome.section)}` : outcome.reason))
    .join(' ');
}

export function quoteSection(section: PolicySection): string {
  return `(${section.title}, "${section.section}": "${section.quote}")`;
}
