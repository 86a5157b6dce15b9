import type { ToolGuardInput } from '../run-tool-call.ts';

/** One tool's approval rule: always, or when an amount argument is above a threshold. */
export interface ApprovalRule {
  /** Named in approval requests as "the policy that asked". */
  name: string;
  tool: string;
  /** The argument holding an amount in cents; with `aboveCents`, approval is needed when it is greater. */
  amountField?: string;
  aboveCents?: number;
  /** Every call of the tool needs approval. */
  always?: boolean;
}

export type ApprovalRequirement = { required: false } | { required: true; policy: string; reason: string };

export interface ApprovalPolicy {
  evaluate(input: Pick<ToolGuardInput, 'tool' | 'args' | 'context'>): ApprovalRequirement;
}

export const flaggedInputPolicy = 'flagged-input';

/**
 * Decide when a `write` or `irreversible` call needs a person: per-tool rules, and any call
 * at all once the input rails flagged the request or a retrieved passage, whatever the threshold.
 * Reads never need approval. `rules` is read on every call, not copied: a rule appended to it
 * later (an MCP server listed after start-up) applies from the next call, with no graph rebuilt.
 * @example const policy = createApprovalPolicy({ rules: [{ name: 'refund-above-500', tool: 'issue_refund', amountField: 'amountCents', aboveCents: 50_000 }] });
 */
export function createApprovalPolicy(options: { rules: readonly ApprovalRule[] }): ApprovalPolicy {
  return {
    evaluate({ tool, args, context }) {
      if (tool.risk === 'read') return { required: false };
      const flags = context.flags ?? [];
      if (flags.length > 0) {
        const rules = [...new Set(flags.map((flag) => flag.rule))].join(', ');
        return { required: true, policy: flaggedInputPolicy, reason: `The input was flagged as a possible prompt injection (${rules}); every side effect needs a person.` };
      }
      for (const rule of options.rules) {
        if (rule.tool !== tool.name) continue;
        if (rule.always) return { required: true, policy: rule.name, reason: `Every "${tool.name}" call needs approval.` };
        const amount = rule.amountField === undefined ? undefined : (args as Record<string, unknown>)[rule.amountField];
        if (rule.aboveCents !== undefined && typeof amount === 'number' && amount > rule.aboveCents) {
          return { required: true, policy: rule.name, reason: `${rule.amountField} ${amount} is above the approval threshold of ${rule.aboveCents} cents.` };
        }
      }
      return { required: false };
    },
  };
}
