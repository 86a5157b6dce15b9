import { defineTool } from '../../tools/index.ts';
import { requireOrderFacts } from './load-order-facts.ts';
import { maskEmail } from './mask-email.ts';
import { formatCents } from './money.ts';
import { orderIdInput, orderScopes } from './order-arguments.ts';
import type { OrderToolsDependencies } from './order-tools-dependencies.ts';

/** `lookup_order`: one order's customer, items, money position and shipment status. */
export function createLookupOrderTool(dependencies: OrderToolsDependencies) {
  return defineTool({
    name: 'lookup_order',
    description: 'Look up a Brightcart order: customer, items, total, amount paid, refunded so far, refundable remaining and shipment status.',
    risk: 'read',
    scopes: [orderScopes.read],
    input: orderIdInput,
    async execute({ orderId }) {
      const facts = requireOrderFacts(dependencies.database, orderId, dependencies.clock());
      const itemsSummary = facts.items.map((item) => `${item.quantity} × ${item.productName}`).join(', ');
      const shipped = facts.shipment.deliveredAt
        ? `delivered ${facts.shipment.deliveredAt.slice(0, 10)} (promised by ${facts.promisedBy})`
        : `${facts.shipment.status.replace('_', ' ')} (promised by ${facts.promisedBy})`;
      return {
        orderId: facts.orderId,
        status: facts.status,
        orderedAt: facts.orderedAt,
        shippingService: facts.shippingService,
        promisedBy: facts.promisedBy,
        customer: { name: facts.customer.name, email: maskEmail(facts.customer.email) },
        items: facts.items.map(({ sku, productName, category, quantity, unitPriceCents }) => ({ sku, productName, category, quantity, unitPriceCents })),
        itemsSummary,
        totalCents: facts.totalCents,
        amountPaidCents: facts.paidCents,
        paymentMethod: facts.paymentMethod,
        refundedCents: facts.refundedCents,
        refundableRemainingCents: facts.refundableRemainingCents,
        creditedCents: facts.creditedCents,
        shipment: facts.shipment,
        summary: `Order ${facts.orderId} for ${facts.customer.name} (${itemsSummary}), ${facts.shippingService} shipping, ${facts.status}: `
          + `total ${formatCents(facts.totalCents)}, paid ${formatCents(facts.paidCents)}${facts.paymentMethod ? ` by ${facts.paymentMethod}` : ''}, `
          + `refunded ${formatCents(facts.refundedCents)}, refundable remaining ${formatCents(facts.refundableRemainingCents)}; ${shipped}.`,
      };
    },
  });
}
