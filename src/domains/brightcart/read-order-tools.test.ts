import { describe, expect, it } from 'vitest';
import { createOrderToolsTestKit } from './order-tools-test-kit.ts';

describe('lookup_order', () => {
  it('shows the customer, items, money position and shipment of an order', async () => {
    const { call } = createOrderToolsTestKit();
    const order = await call('lookup_order', { orderId: 1001 });
    expect(order).toMatchObject({
      orderId: 1001,
      status: 'delivered',
      customer: { name: 'Maya Patel', email: 'm***@example.com' },
      itemsSummary: '1 × Ceramic Pour-Over Coffee Set',
      totalCents: 12999,
      amountPaidCents: 12999,
      paymentMethod: 'card',
      refundedCents: 0,
      refundableRemainingCents: 12999,
      shipment: { status: 'delivered', deliveredAt: '2026-03-13T16:45:00Z' },
    });
    expect(order.summary).toContain('$129.99');
  });

  it('shows a fully refunded order with nothing left to refund', async () => {
    const { call } = createOrderToolsTestKit();
    expect(await call('lookup_order', { orderId: 1005 })).toMatchObject({ refundedCents: 7999, refundableRemainingCents: 0 });
  });

  it('refuses an unknown order with a readable message', async () => {
    const { call } = createOrderToolsTestKit();
    await expect(call('lookup_order', { orderId: 999 })).rejects.toMatchObject({ name: 'ToolError', message: expect.stringContaining('no order 999') });
  });
});

describe('check_shipment_sla', () => {
  it('reports a standard order delivered 4 full days late', async () => {
    const { call } = createOrderToolsTestKit();
    expect(await call('check_shipment_sla', { orderId: 1001 })).toMatchObject({
      service: 'standard', slaDays: 7, orderDate: '2026-03-02', promisedBy: '2026-03-09', deliveredAt: '2026-03-13T16:45:00Z', daysLate: 4, late: true,
    });
  });

  it('reports an express order delivered on time', async () => {
    const { call } = createOrderToolsTestKit();
    expect(await call('check_shipment_sla', { orderId: 1002 })).toMatchObject({ service: 'express', slaDays: 3, daysLate: 0, late: false });
  });

  it('counts an undelivered order past its promised date as late as of the clock', async () => {
    const { call } = createOrderToolsTestKit();
    expect(await call('check_shipment_sla', { orderId: 1003 })).toMatchObject({
      service: 'overnight', slaDays: 1, promisedBy: '2026-03-27', shipmentStatus: 'in_transit', deliveredAt: null, daysLate: 5, late: true, asOf: '2026-04-01',
    });
    const earlier = createOrderToolsTestKit(() => new Date('2026-03-27T20:00:00Z'));
    expect(await earlier.call('check_shipment_sla', { orderId: 1003 })).toMatchObject({ daysLate: 0, late: false });
  });

  it('never counts a cancelled order as late', async () => {
    const kit = createOrderToolsTestKit(() => new Date('2026-12-01T00:00:00Z'));
    const cancelled = kit.firstOrderWhere("o.status = 'cancelled'");
    expect(await kit.call('check_shipment_sla', { orderId: cancelled })).toMatchObject({ shipmentStatus: 'cancelled', late: false, daysLate: 0 });
  });
});

describe('compute_late_penalty', () => {
  it('charges 10% per full day late and explains the arithmetic', async () => {
    const { call } = createOrderToolsTestKit();
    const penalty = await call('compute_late_penalty', { orderId: 1001 });
    expect(penalty).toMatchObject({ daysLate: 4, percent: 40, penaltyCents: 5200, remainingCreditCents: 5200 });
    expect(penalty.explanation).toContain('4 × 10% = 40% of the order total $129.99 = $52.00');
    expect(await call('compute_late_penalty', { orderId: 1004 })).toMatchObject({ daysLate: 2, percent: 20, penaltyCents: 16840 });
  });

  it('caps the penalty at 50% of the order total', async () => {
    const { call } = createOrderToolsTestKit();
    const penalty = await call('compute_late_penalty', { orderId: 1003 });
    expect(penalty).toMatchObject({ daysLate: 5, percent: 50, penaltyCents: 13750 });
    const later = createOrderToolsTestKit(() => new Date('2026-04-20T12:00:00Z'));
    const capped = await later.call('compute_late_penalty', { orderId: 1003 });
    expect(capped).toMatchObject({ percent: 50, penaltyCents: 13750 });
    expect(capped.explanation).toContain('capped at 50%');
  });

  it('owes nothing for a fully refunded or an on-time order', async () => {
    const { call } = createOrderToolsTestKit();
    const refunded = await call('compute_late_penalty', { orderId: 1005 });
    expect(refunded).toMatchObject({ daysLate: 3, late: true, fullyRefunded: true, penaltyCents: 0 });
    expect(refunded.explanation).toContain('not combined with a full refund');
    expect(await call('compute_late_penalty', { orderId: 1002 })).toMatchObject({ late: false, penaltyCents: 0 });
  });

  it('subtracts credit already given from what remains', async () => {
    const kit = createOrderToolsTestKit();
    const credited = kit.firstOrderWhere('EXISTS (SELECT 1 FROM credit_memos c WHERE c.order_id = o.id)');
    const penalty = await kit.call('compute_late_penalty', { orderId: credited });
    expect(penalty.alreadyCreditedCents).toBeGreaterThan(0);
    expect(penalty.remainingCreditCents).toBe(Math.max(0, penalty.penaltyCents - penalty.alreadyCreditedCents));
  });
});
