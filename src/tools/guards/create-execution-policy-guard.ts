import type { ToolGuard } from '../run-tool-call.ts';
import { checkReadOnlySql } from './check-read-only-sql.ts';

/** A declarative rule over one tool's validated arguments. */
export interface ExecutionPolicy {
  tool: string;
  /** The argument holding an amount in cents, for `hardCapCents`. */
  amountField?: string;
  /** Refused outright above this, approval or not. */
  hardCapCents?: number;
  /** Arguments holding URLs (or hosts) that must point at `allowedHosts`. */
  urlFields?: string[];
  allowedHosts?: string[];
  /** An argument holding SQL that must be one read-only statement. */
  readOnlySqlField?: string;
}

/**
 * The execution rails: per-tool policies evaluated on the validated arguments, before any
 * approval is asked for (an approver cannot lift a hard cap).
 * @example const guard = createExecutionPolicyGuard([{ tool: 'run_sql', readOnlySqlField: 'query' }]);
 */
export function createExecutionPolicyGuard(policies: ExecutionPolicy[]): ToolGuard {
  return async ({ tool, args }) => {
    const values = args as Record<string, unknown>;
    for (const policy of policies.filter((candidate) => candidate.tool === tool.name)) {
      const amount = policy.amountField === undefined ? undefined : values[policy.amountField];
      if (policy.hardCapCents !== undefined && typeof amount === 'number' && amount > policy.hardCapCents) {
        return { action: 'refuse', message: `${policy.amountField} ${amount} exceeds the hard cap of ${policy.hardCapCents} cents for "${tool.name}"; it cannot be done by this assistant.` };
      }
      for (const field of policy.urlFields ?? []) {
        const value = values[field];
        if (value === undefined) continue;
        const host = hostOf(value);
        if (host === undefined || !(policy.allowedHosts ?? []).includes(host)) {
          return { action: 'refuse', message: `${field} must point at an allowed host (${(policy.allowedHosts ?? []).join(', ') || 'none'}); "${String(host ?? value)}" is not allowed.` };
        }
      }
      if (policy.readOnlySqlField !== undefined) {
        const check = checkReadOnlySql(String(values[policy.readOnlySqlField] ?? ''));
        if (!check.ok) return { action: 'refuse', message: check.reason };
      }
    }
    return { action: 'allow' };
  };
}

/** The host of a URL, or the text itself when it is a bare host name. */
export function hostOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value).hostname.toLowerCase();
  } catch {
    return /^[a-z0-9.-]+$/i.test(value) ? value.toLowerCase() : undefined;
  }
}
