import type { DatabaseSync } from 'node:sqlite';
import { createPolicyEngine, type PolicyEngine } from '../../tools/index.ts';
import { cancellationRule } from './cancellation-rule.ts';
import { damageReportRule } from './damage-report-rule.ts';
import { lateCreditRule } from './late-credit-rule.ts';
import { describeOrderPolicyFacts, loadOrderPolicyFacts } from './load-order-policy-facts.ts';
import { refundLimitRule } from './refund-limit-rule.ts';
import { refundReasonRule } from './refund-reason-rule.ts';
import { returnWindowRule } from './return-window-rule.ts';

/** The Brightcart rules over refunds, credits, cancellations, returns and damage reports. */
export const orderPolicyRules = [refundReasonRule, refundLimitRule, lateCreditRule, cancellationRule, returnWindowRule, damageReportRule];

/**
 * The sample domain's policy engine: its rules, judged on facts read from the orders
 * database as of `clock()` (the same clock as the order tools), never on the model's claims.
 * @example const policy = createOrderPolicy({ database, clock }); // ExecutionSafety.policy
 */
export function createOrderPolicy(options: { database: DatabaseSync; clock?: () => Date }): PolicyEngine {
  const clock = options.clock ?? (() => new Date());
  return createPolicyEngine({
    rules: orderPolicyRules,
    loadFacts: ({ args }) => {
      const orderId = (args as { orderId?: unknown }).orderId;
      if (typeof orderId !== 'number') throw new TypeError('the call names no order');
      return loadOrderPolicyFacts(options.database, orderId, clock());
    },
    describeFacts: describeOrderPolicyFacts,
  });
}
