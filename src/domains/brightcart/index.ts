export { createOrderTools } from './create-order-tools.ts';
export type { CreateOrderToolsOptions } from './create-order-tools.ts';
export { ensureOrdersSchema } from './orders-schema.ts';
export { seedOrders } from './seed-orders.ts';
export type { SeedOrdersResult } from './seed-orders.ts';
export { buildOrdersSeed } from './build-orders-seed.ts';
export type { OrdersSeed } from './build-orders-seed.ts';
export { ordersReferenceDate, scenarioOrders } from './scenario-orders.ts';
export { orderScopes, refundReasons } from './order-arguments.ts';
export type { RefundReason } from './order-arguments.ts';
export { createOrderPolicy, orderPolicyRules } from './create-order-policy.ts';
export { orderPolicySections } from './order-policy-sections.ts';
export { loadOrderPolicyFacts } from './load-order-policy-facts.ts';
export type { OrderPolicyFacts } from './load-order-policy-facts.ts';
export { scenarioReturns, scenarioDamageReports } from './scenario-cases.ts';
export {
  slaDaysByService,
  latePenaltyPercentPerDay,
  latePenaltyCapPercent,
  lateRefundWindowDays,
  daysSinceDelivery,
  promisedByOf,
  daysLateOf,
  latePenaltyOf,
} from './shipping-policy.ts';
export type { ShippingService, LatePenalty } from './shipping-policy.ts';
export { createRunSqlTool, runSqlMaxRows } from './run-sql-tool.ts';
export { createBrightcartDomain, brightcartAsOf } from './create-brightcart-domain.ts';
export { brightcartApprovalRules, brightcartExecutionPolicies } from './safety-rules.ts';
export { brightcartReviewChecks, lateDeliveryReviewCheck } from './review-checks.ts';
export { brightcartOfflinePlanner, refundReasonFrom } from './offline-planner.ts';
export { brightcartSpecialistDescriptions } from './specialist-descriptions.ts';
