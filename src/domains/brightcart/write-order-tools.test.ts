import { describe, expect, it } from 'vitest';
import { createOrderTools } from './create-order-tools.ts';
import { createOrderToolsTestKit } from './order-tools-test-kit.ts';

const refundsOf = 'SELECT COUNT(*) AS count FROM refunds WHERE order_id = ?';
const memosOf = 'SELECT COUNT(*) AS count FROM credit_memos WHERE order_id = ?';

describe('issue_refund', () => {
  it('inserts one refund row and returns the new totals', async () => {
    const { call, count } = createOrderToolsTestKit();
    const refund = await call('issue_refund', { orderId: 1001, amountCents: 5000, reason: 'late_delivery', note: 'Late delivery, partial refund' });
    expect(refund).toMatchObject({ orderId: 1001, amountCents: 5000, paymentMethod: 'card', amountPaidCents: 12999, refundedCents: 5000, refundableRemainingCents: 7999 });
    expect(refund.refundId).toEqual(expect.any(Number));
    expect(count(refundsOf, 1001)).toBe(1);
  });

  it('refuses more than the refundable remaining, counting earlier refunds', async () => {
    const { call, count } = createOrderToolsTestKit();
    await call('issue_refund', { orderId: 1001, amountCents: 12000, reason: 'late_delivery', note: 'Late delivery, partial refund' });
    await expect(call('issue_refund', { orderId: 1001, amountCents: 1000, reason: 'late_delivery', note: 'Second refund' }))
      .rejects.toMatchObject({ name: 'ToolError', message: expect.stringContaining('refundable remaining $9.99') });
    await expect(call('issue_refund', { orderId: 1005, amountCents: 1, reason: 'late_delivery', note: 'Already refunded order' }))
      .rejects.toMatchObject({ name: 'ToolError' });
    expect(count(refundsOf, 1001)).toBe(1);
    expect(count(refundsOf, 1005)).toBe(1);
  });

  it('refuses unknown and unpaid orders', async () => {
    const kit = createOrderToolsTestKit();
    await expect(kit.call('issue_refund', { orderId: 4242, amountCents: 100, reason: 'late_delivery', note: 'No such order' })).rejects.toMatchObject({ name: 'ToolError' });
    const unpaid = kit.firstOrderWhere("NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.status = 'captured')");
    await expect(kit.call('issue_refund', { orderId: unpaid, amountCents: 100, reason: 'late_delivery', note: 'Unpaid order' }))
      .rejects.toMatchObject({ name: 'ToolError', message: expect.stringContaining('no captured payment') });
    expect(kit.count(refundsOf, unpaid)).toBe(0);
  });

  it('refuses zero and negative amounts even when called past validation', async () => {
    const { database, count } = createOrderToolsTestKit();
    const issueRefund = createOrderTools({ database }).find((tool) => tool.name === 'issue_refund')!;
    const context = { tenantId: 'tenant-1', idempotencyKey: 'direct' };
    await expect(issueRefund.execute({ orderId: 1001, amountCents: 0, reason: 'late_delivery', note: 'zero' }, context)).rejects.toMatchObject({ name: 'ToolError' });
    await expect(issueRefund.execute({ orderId: 1001, amountCents: -5, reason: 'late_delivery', note: 'negative' }, context)).rejects.toMatchObject({ name: 'ToolError' });
    expect(issueRefund.input.safeParse({ orderId: 1001, amountCents: 0, reason: 'late_delivery', note: 'zero' }).success).toBe(false);
    expect(count(refundsOf, 1001)).toBe(0);
  });

  it('returns the existing refund when the same idempotency key arrives again', async () => {
    const { call, count } = createOrderToolsTestKit();
    const first = await call('issue_refund', { orderId: 1004, amountCents: 84200, reason: 'late_delivery', note: 'Late delivery, full refund' }, { idempotencyKey: 'same-call' });
    const again = await call('issue_refund', { orderId: 1004, amountCents: 84200, reason: 'late_delivery', note: 'Late delivery, full refund' }, { idempotencyKey: 'same-call' });
    expect(again).toEqual(first);
    expect(count(refundsOf, 1004)).toBe(1);
  });
});

describe('customer summaries of refunds', () => {
  it('says when the money arrives by payment method, with no cents and no tool names', async () => {
    const { call } = createOrderToolsTestKit();
    const card = await call('issue_refund', { orderId: 1001, amountCents: 5000, reason: 'late_delivery' });
    expect(card.customerSummary).toBe('We refunded $50.00 on order 1001 to your card; it takes 5–10 business days to appear on your statement, depending on your bank or card issuer.');
    const paypal = await call('issue_refund', { orderId: 1002, amountCents: 1000, reason: 'goodwill' });
    expect(paypal.customerSummary).toMatch(/to your PayPal account; refunds to PayPal usually appear sooner/);
    const giftCard = await call('issue_refund', { orderId: 1021, amountCents: 1000, reason: 'goodwill' });
    expect(giftCard.customerSummary).toMatch(/to your gift card; it is available on your gift card \(or as store credit\) immediately\.$/);
    for (const summary of [card.customerSummary, paypal.customerSummary, giftCard.customerSummary]) {
      expect(summary).not.toMatch(/cents|issue_refund|business days.*immediately/);
    }
  });

  it('stores the reason code with the note and reports the code', async () => {
    const { call, database } = createOrderToolsTestKit();
    const refund = await call('issue_refund', { orderId: 1001, amountCents: 100, reason: 'late_delivery', note: 'Arrived four days late' });
    expect(refund.reason).toBe('late_delivery');
    expect(database.prepare('SELECT reason FROM refunds WHERE id = ?').get(refund.refundId)).toEqual({ reason: 'late_delivery: Arrived four days late' });
  });

  it('refuses a reason outside the closed set at validation', async () => {
    const { call } = createOrderToolsTestKit();
    await expect(call('issue_refund', { orderId: 1001, amountCents: 100, reason: 'Customer changed their mind' })).rejects.toThrow();
  });
});

describe('create_credit_memo', () => {
  it('credits up to the late penalty and no further', async () => {
    const { call, count } = createOrderToolsTestKit();
    const memo = await call('create_credit_memo', { orderId: 1001, amountCents: 3000, reason: 'Late delivery credit' });
    expect(memo).toMatchObject({ orderId: 1001, amountCents: 3000, creditedCents: 3000, remainingCreditCents: 2200 });
    await expect(call('create_credit_memo', { orderId: 1001, amountCents: 2201, reason: 'More credit' }))
      .rejects.toMatchObject({ name: 'ToolError', message: expect.stringContaining('at most $22.00') });
    await call('create_credit_memo', { orderId: 1001, amountCents: 2200, reason: 'Rest of the credit' });
    expect(count(memosOf, 1001)).toBe(2);
  });

  it('refuses a credit above the 50% cap', async () => {
    const { call, count } = createOrderToolsTestKit();
    await expect(call('create_credit_memo', { orderId: 1003, amountCents: 13751, reason: 'Too much credit' })).rejects.toMatchObject({ name: 'ToolError' });
    await call('create_credit_memo', { orderId: 1003, amountCents: 13750, reason: 'Full late credit' });
    expect(count(memosOf, 1003)).toBe(1);
  });

  it('refuses fully refunded and on-time orders', async () => {
    const { call, count } = createOrderToolsTestKit();
    await expect(call('create_credit_memo', { orderId: 1005, amountCents: 100, reason: 'Late delivery credit' }))
      .rejects.toMatchObject({ name: 'ToolError', message: expect.stringContaining('fully refunded') });
    await expect(call('create_credit_memo', { orderId: 1002, amountCents: 100, reason: 'Goodwill credit' }))
      .rejects.toMatchObject({ name: 'ToolError', message: expect.stringContaining('not late') });
    expect(count(memosOf, 1005) + count(memosOf, 1002)).toBe(0);
  });
});

describe('cancel_order', () => {
  it('cancels an order that has not shipped and refunds what was paid in the same transaction', async () => {
    const { call, database, count } = createOrderToolsTestKit();
    const cancelled = await call('cancel_order', { orderId: 1006, reason: 'Customer no longer needs it' }, { idempotencyKey: 'cancel-1006' });
    expect(cancelled).toMatchObject({ orderId: 1006, status: 'cancelled', amountPaidCents: 8850, refundedNowCents: 8850, cancelledAt: '2026-04-01T12:00:00.000Z' });
    expect(database.prepare('SELECT status, cancel_reason FROM orders WHERE id = 1006').get()).toEqual({ status: 'cancelled', cancel_reason: 'Customer no longer needs it' });
    expect(database.prepare('SELECT amount_cents, reason, idempotency_key FROM refunds WHERE order_id = 1006').all()).toEqual([
      { amount_cents: 8850, reason: 'cancelled_before_shipment: Customer no longer needs it', idempotency_key: 'cancel-1006' },
    ]);
    expect(cancelled.customerSummary).toBe('Order 1006 is cancelled, free of charge, and the $88.50 you paid is refunded to your card; it takes 5–10 business days to appear on your statement, depending on your bank or card issuer.');
    expect(count(refundsOf, 1006)).toBe(1);
  });

  it('cancels an unpaid order without a refund row', async () => {
    const { call, count, firstOrderWhere } = createOrderToolsTestKit();
    const unpaid = firstOrderWhere("o.status = 'placed' AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.status = 'captured')");
    const cancelled = await call('cancel_order', { orderId: unpaid, reason: 'Changed mind' });
    expect(cancelled).toMatchObject({ refundedNowCents: 0, refundId: null });
    expect(cancelled.customerSummary).toMatch(/nothing to refund/);
    expect(count(refundsOf, unpaid)).toBe(0);
  });

  it('refuses shipped, delivered and already cancelled orders', async () => {
    const { call, database } = createOrderToolsTestKit();
    await expect(call('cancel_order', { orderId: 1003, reason: 'Too slow' })).rejects.toMatchObject({ name: 'ToolError', message: expect.stringContaining('return it instead') });
    await expect(call('cancel_order', { orderId: 1001, reason: 'Changed mind' })).rejects.toMatchObject({ name: 'ToolError' });
    await call('cancel_order', { orderId: 1006, reason: 'Changed mind' });
    await expect(call('cancel_order', { orderId: 1006, reason: 'Changed mind again' })).rejects.toMatchObject({ name: 'ToolError', message: expect.stringContaining('already cancelled') });
    expect(database.prepare('SELECT status FROM orders WHERE id IN (1001, 1003) ORDER BY id').all()).toEqual([{ status: 'delivered' }, { status: 'shipped' }]);
  });
});

describe('idempotency key reuse inside the tools', () => {
  it('refuses a second refund or credit under one key when the arguments differ', async () => {
    const { call, count } = createOrderToolsTestKit();
    await call('issue_refund', { orderId: 1001, amountCents: 100, reason: 'late_delivery', note: 'First refund' }, { idempotencyKey: 'reused' });
    await expect(call('issue_refund', { orderId: 1001, amountCents: 200, reason: 'late_delivery', note: 'First refund' }, { idempotencyKey: 'reused' }))
      .rejects.toMatchObject({ name: 'ToolError', message: expect.stringContaining('different refund') });
    await call('create_credit_memo', { orderId: 1001, amountCents: 100, reason: 'First credit' }, { idempotencyKey: 'reused-credit' });
    await expect(call('create_credit_memo', { orderId: 1004, amountCents: 100, reason: 'First credit' }, { idempotencyKey: 'reused-credit' }))
      .rejects.toMatchObject({ name: 'ToolError', message: expect.stringContaining('different credit memo') });
    expect(count(refundsOf, 1001)).toBe(1);
    expect(count(memosOf, 1001) + count(memosOf, 1004)).toBe(1);
  });
});
