import type { DatabaseSync } from 'node:sqlite';
import type { ToolDefinition } from '../../tools/index.ts';
import { createCancelOrderTool } from './cancel-order-tool.ts';
import { createCheckShipmentSlaTool } from './check-shipment-sla-tool.ts';
import { createComputeLatePenaltyTool } from './compute-late-penalty-tool.ts';
import { createCreditMemoTool } from './create-credit-memo-tool.ts';
import { createIssueRefundTool } from './issue-refund-tool.ts';
import { createLookupOrderTool } from './lookup-order-tool.ts';
import { createReportDamageTool } from './report-damage-tool.ts';
import { createStartReturnTool } from './start-return-tool.ts';

export interface CreateOrderToolsOptions {
  /** A database with the orders schema (see `seedOrders`). */
  database: DatabaseSync;
  /** "Now" for lateness; defaults to the real time. Tests pass `() => ordersReferenceDate`. */
  clock?: () => Date;
}

/**
 * The Brightcart sample domain tools: three reads (`lookup_order`, `check_shipment_sla`,
 * `compute_late_penalty`) and five side effects (`issue_refund`, `create_credit_memo`,
 * `cancel_order`, `start_return`, `report_damage`).
 * @example const registry = createToolRegistry(createOrderTools({ database }));
 */
export function createOrderTools(options: CreateOrderToolsOptions): ToolDefinition[] {
  const dependencies = { database: options.database, clock: options.clock ?? (() => new Date()) };
  return [
    createLookupOrderTool(dependencies),
    createCheckShipmentSlaTool(dependencies),
    createComputeLatePenaltyTool(dependencies),
    createIssueRefundTool(dependencies),
    createCreditMemoTool(dependencies),
    createCancelOrderTool(dependencies),
    createStartReturnTool(dependencies),
    createReportDamageTool(dependencies),
  ];
}
