import { defineTool } from '../../tools/index.ts';
import { calendarDateOf } from './calendar.ts';
import { requireOrderFacts, type OrderFacts } from './load-order-facts.ts';
import { formatCents } from './money.ts';
import { orderIdInput, orderScopes } from './order-arguments.ts';
import type { OrderToolsDependencies } from './order-tools-dependencies.ts';
import { latePenaltyCapPercent, latePenaltyPercentPerDay } from './shipping-policy.ts';

/** `compute_late_penalty`: the late-delivery credit an order is owed, with the arithmetic shown. */
export function createComputeLatePenaltyTool(dependencies: OrderToolsDependencies) {
  return defineTool({
    name: 'compute_late_penalty',
    description: 'Compute the late-delivery credit for a Brightcart order: 10% of the order total per full day late, capped at 50%, none if the order was fully refunded. Explains the calculation.',
    risk: 'read',
    scopes: [orderScopes.read],
    input: orderIdInput,
    async execute({ orderId }) {
      const now = dependencies.clock();
      const facts = requireOrderFacts(dependencies.database, orderId, now);
      return {
        orderId: facts.orderId,
        totalCents: facts.totalCents,
        daysLate: facts.daysLate,
        late: facts.late,
        fullyRefunded: facts.fullyRefunded,
        percent: facts.penalty.percent,
        penaltyCents: facts.penalty.penaltyCents,
        alreadyCreditedCents: facts.creditedCents,
        remainingCreditCents: Math.max(0, facts.penalty.penaltyCents - facts.creditedCents),
        explanation: explain(facts, calendarDateOf(now)),
        customerSummary: explain(facts, calendarDateOf(now)),
      };
    },
  });
}

function explain(facts: OrderFacts, today: string): string {
  const total = formatCents(facts.totalCents);
  if (facts.status === 'cancelled') return `Order ${facts.orderId} was cancelled, so there is no delivery and no late-delivery credit.`;
  if (facts.fullyRefunded) {
    return `Order ${facts.orderId} was fully refunded (${formatCents(facts.refundedCents)}); the late-delivery credit is not combined with a full refund, so the credit is $0.00.`;
  }
  if (!facts.late) return `Order ${facts.orderId} is not late (promised by ${facts.promisedBy}), so the credit is $0.00.`;
  const when = facts.shipment.deliveredAt
    ? `delivered ${facts.daysLate} full day(s) after its promised date ${facts.promisedBy}`
    : `not delivered and ${facts.daysLate} full day(s) past its promised date ${facts.promisedBy} as of ${today}`;
  const uncapped = facts.daysLate * latePenaltyPercentPerDay;
  const rate = uncapped > latePenaltyCapPercent
    ? `${facts.daysLate} × ${latePenaltyPercentPerDay}% = ${uncapped}%, capped at ${latePenaltyCapPercent}%`
    : `${facts.daysLate} × ${latePenaltyPercentPerDay}% = ${uncapped}%`;
  const credited = facts.creditedCents > 0
    ? ` Already credited ${formatCents(facts.creditedCents)}, so at most ${formatCents(Math.max(0, facts.penalty.penaltyCents - facts.creditedCents))} more may be credited.`
    : '';
  return `Order ${facts.orderId} was ${when}: ${rate} of the order total ${total} = ${formatCents(facts.penalty.penaltyCents)} as store credit.${credited}`;
}
