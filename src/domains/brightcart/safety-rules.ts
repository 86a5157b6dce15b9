import type { ApprovalRule, ExecutionPolicy } from '../../tools/index.ts';

/** Refunds above $500.00 need a support manager (see the refund policy). */
export const brightcartApprovalRules: ApprovalRule[] = [
  { name: 'refund-above-500', tool: 'issue_refund', amountField: 'amountCents', aboveCents: 50_000 },
];

/** Hard caps: no single refund above $5,000.00 or credit above $2,500.00, whoever approves; SQL reads only. */
export const brightcartExecutionPolicies: ExecutionPolicy[] = [
  { tool: 'issue_refund', amountField: 'amountCents', hardCapCents: 500_000 },
  { tool: 'create_credit_memo', amountField: 'amountCents', hardCapCents: 250_000 },
  { tool: 'run_sql', readOnlySqlField: 'query' },
];
