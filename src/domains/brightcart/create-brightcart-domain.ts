import { fileURLToPath } from 'node:url';
import type { Domain, DomainContext } from '../domain.ts';
import { createOrderPolicy } from './create-order-policy.ts';
import { createOrderTools } from './create-order-tools.ts';
import { brightcartOfflinePlanner } from './offline-planner.ts';
import { ensureOrdersSchema } from './orders-schema.ts';
import { brightcartReviewChecks } from './review-checks.ts';
import { createRunSqlTool } from './run-sql-tool.ts';
import { brightcartApprovalRules, brightcartExecutionPolicies } from './safety-rules.ts';
import { seedOrders } from './seed-orders.ts';
import { brightcartSpecialistDescriptions } from './specialist-descriptions.ts';

/** When the seeded orders' stories are recent: the sample world starts here and moves on with real time. */
export const brightcartAsOf = new Date('2026-04-01T12:00:00.000Z');

const knowledgeBaseDir = fileURLToPath(new URL('../../../data/knowledge-base', import.meta.url));

/**
 * Brightcart, the sample retailer: its orders in the embedded database (seeded once), the order
 * tools, the refund/credit/cancellation policy rules, the $500 approval threshold and hard caps,
 * the late-delivery review rule, the offline planner and the customer-service knowledge base.
 * @example const domain = createBrightcartDomain({ database });
 */
export function createBrightcartDomain(context: DomainContext): Domain {
  const { database } = context;
  ensureOrdersSchema(database);
  seedOrders(database);
  // The order tools and the order policy rules see the same "now".
  const clock = context.clock ?? movingClock(context.asOf ?? brightcartAsOf);
  return {
    name: 'brightcart',
    tools: [...createOrderTools({ database, clock }), createRunSqlTool({ database })],
    policy: createOrderPolicy({ database, clock }),
    approvalRules: brightcartApprovalRules,
    executionPolicies: brightcartExecutionPolicies,
    reviewChecks: brightcartReviewChecks,
    offlinePlanner: brightcartOfflinePlanner,
    specialistDescriptions: brightcartSpecialistDescriptions,
    knowledgeBaseDir,
  };
}

/** From its as-of date on, moving with real time (or the real clock for `now`). */
function movingClock(asOf: Date | 'now'): (() => Date) | undefined {
  if (asOf === 'now') return undefined;
  const startedAt = Date.now();
  return () => new Date(asOf.getTime() + (Date.now() - startedAt));
}
