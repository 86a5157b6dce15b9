import { z } from 'zod';
import { inTransaction } from '../../storage/index.ts';
import { defineTool } from '../../tools/index.ts';
import { requireDeliveredItem, requireOrderFacts } from './load-order-facts.ts';
import { orderIdArgument, orderScopes } from './order-arguments.ts';
import type { OrderToolsDependencies } from './order-tools-dependencies.ts';

export const damageKinds = ['damaged', 'defective', 'wrong_item'] as const;

interface DamageReportRow {
  id: number;
  order_id: number;
  sku: string;
  kind: (typeof damageKinds)[number];
  reported_at: string;
}

const kindWords: Record<DamageReportRow['kind'], string> = {
  damaged: 'arrived damaged',
  defective: 'does not work',
  wrong_item: 'is not what you ordered',
};

/**
 * `report_damage`: record that an item of a delivered order arrived damaged, does not work or is
 * the wrong item. Whether it is reported in time (48 hours; 30 days for electronics dead on
 * arrival) is for the policy rules; the report is what a damaged-item refund later rests on.
 */
export function createReportDamageTool(dependencies: OrderToolsDependencies) {
  const { database, clock } = dependencies;
  // The row a call made carries its idempotency key: a repeat or a reconcile finds it by that.
  const rowByKey = (key: string) => database.prepare('SELECT * FROM damage_reports WHERE idempotency_key = ?').get(key) as unknown as DamageReportRow | undefined;
  return defineTool({
    name: 'report_damage',
    description: 'Report that an item of a delivered Brightcart order arrived damaged, does not work (defective) or is the wrong item. '
      + 'Report within 48 hours of delivery (30 days for electronics that do not switch on). A damaged-item refund needs this report first.',
    risk: 'write',
    scopes: [orderScopes.cancel],
    input: z.strictObject({
      orderId: orderIdArgument,
      sku: z.string().trim().min(1).max(40).describe('The SKU of the item, as lookup_order lists it'),
      kind: z.enum(damageKinds).describe('damaged (arrived broken), defective (does not work), wrong_item'),
    }),
    async execute({ orderId, sku, kind }, context) {
      return inTransaction(database, () => {
        const existing = rowByKey(context.idempotencyKey);
        if (existing) return describeReport(existing);
        requireDeliveredItem(database, orderId, sku, clock(), 'nothing can be reported damaged');
        // One report per item: asking again is answered with the report on file, not a second one.
        const reported = database.prepare('SELECT * FROM damage_reports WHERE order_id = ? AND sku = ?').get(orderId, sku) as unknown as DamageReportRow | undefined;
        if (reported) return describeReport(reported, true);
        database.prepare('INSERT INTO damage_reports (order_id, sku, kind, reported_at, idempotency_key) VALUES (?, ?, ?, ?, ?)')
          .run(orderId, sku, kind, clock().toISOString(), context.idempotencyKey);
        return describeReport(rowByKey(context.idempotencyKey)!);
      });
    },
    async reconcile(_args, context) {
      const row = rowByKey(context.idempotencyKey);
      return row === undefined ? { found: false } : { found: true, result: describeReport(row) };
    },
  });

  function describeReport(row: DamageReportRow, alreadyReported = false) {
    const facts = requireOrderFacts(database, row.order_id, clock());
    const name = facts.items.find((candidate) => candidate.sku === row.sku)?.productName ?? row.sku;
    return {
      reportId: row.id,
      orderId: row.order_id,
      sku: row.sku,
      kind: row.kind,
      reportedAt: row.reported_at,
      alreadyReported,
      summary: `Damage report ${row.id} on order ${row.order_id}: ${row.sku} ${row.kind}${alreadyReported ? ' (already on file)' : ''}.`,
      customerSummary: alreadyReported
        ? `The problem with the ${name} from order ${row.order_id} is already on file, reported on ${row.reported_at.slice(0, 10)}; a support agent answers within 24 hours.`
        : `Thank you: we have recorded that the ${name} from order ${row.order_id} ${kindWords[row.kind]}. `
        + 'You can choose a free replacement, a full refund of what you paid for it, or a partial refund if you keep it. '
        + 'Please keep the item and its packaging until the case is closed; a support agent answers within 24 hours.',
    };
  }
}
