import { defineTool } from '../../tools/index.ts';
import { calendarDateOf } from './calendar.ts';
import { requireOrderFacts } from './load-order-facts.ts';
import { orderIdInput, orderScopes } from './order-arguments.ts';
import type { OrderToolsDependencies } from './order-tools-dependencies.ts';
import { slaDaysByService } from './shipping-policy.ts';

/** `check_shipment_sla`: was the order delivered by its promised date, and how late is it. */
export function createCheckShipmentSlaTool(dependencies: OrderToolsDependencies) {
  return defineTool({
    name: 'check_shipment_sla',
    description: 'Check a Brightcart order against its shipping SLA (standard 7, express 3, overnight 1 calendar days): promised date, delivery date, full days late.',
    risk: 'read',
    scopes: [orderScopes.read],
    input: orderIdInput,
    async execute({ orderId }) {
      const now = dependencies.clock();
      const facts = requireOrderFacts(dependencies.database, orderId, now);
      const slaDays = slaDaysByService[facts.shippingService];
      const deliveredOn = facts.shipment.deliveredAt ? calendarDateOf(facts.shipment.deliveredAt) : null;
      return {
        orderId: facts.orderId,
        service: facts.shippingService,
        slaDays,
        orderDate: calendarDateOf(facts.orderedAt),
        promisedBy: facts.promisedBy,
        shipmentStatus: facts.shipment.status,
        shippedAt: facts.shipment.shippedAt,
        deliveredAt: facts.shipment.deliveredAt,
        daysLate: facts.daysLate,
        late: facts.late,
        asOf: calendarDateOf(now),
        summary: slaSummary(facts.orderId, facts.shipment.status, facts.promisedBy, deliveredOn, facts.daysLate, calendarDateOf(now)),
      };
    },
  });
}

function slaSummary(orderId: number, status: string, promisedBy: string, deliveredOn: string | null, daysLate: number, today: string): string {
  if (status === 'cancelled') return `Order ${orderId} was cancelled, so no delivery is due.`;
  if (deliveredOn !== null) {
    return daysLate > 0
      ? `Order ${orderId} was delivered on ${deliveredOn}, ${daysLate} full day(s) after its promised date ${promisedBy}: late.`
      : `Order ${orderId} was delivered on ${deliveredOn}, on time (promised by ${promisedBy}).`;
  }
  return daysLate > 0
    ? `Order ${orderId} is not delivered yet and is ${daysLate} full day(s) past its promised date ${promisedBy} as of ${today}: late.`
    : `Order ${orderId} is not delivered yet; it is promised by ${promisedBy}, so it is not late as of ${today}.`;
}
