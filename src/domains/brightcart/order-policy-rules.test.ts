import { describe, expect, it } from 'vitest';
import { createOrderPolicy } from './create-order-policy.ts';
import { createOrderToolsTestKit } from './order-tools-test-kit.ts';
import { ordersReferenceDate } from './scenario-orders.ts';

const context = { tenantId: 'tenant-1', idempotencyKey: 'key-1' };

function setup(clock: () => Date = () => ordersReferenceDate) {
  const kit = createOrderToolsTestKit(clock);
  const policy = createOrderPolicy({ database: kit.database, clock });
  const refund = (orderId: number, amountCents: number, reason: string) => policy.evaluate({ tool: 'issue_refund', args: { orderId, amountCents, reason }, context });
  return { ...kit, policy, refund };
}

describe('refund reasons', () => {
  it('refuses a refund on request alone, quoting who can get a refund', async () => {
    const evaluation = await setup().refund(1002, 5450, 'customer_request');
    expect(evaluation.decision).toBe('refuse');
    expect(evaluation.message).toMatch(/^Order 1002 cannot be refunded on request alone/);
    expect(evaluation.message).toContain('(Refund policy, "Who can get a refund": "You can get a refund in two situations:');
    expect(evaluation.outcomes.find((outcome) => outcome.rule === 'refund-reason-eligible')?.section?.document).toBe('refund-policy');
  });

  it('refuses a late-delivery refund for an order delivered on time, and allows it for a late one', async () => {
    const { refund } = setup();
    expect(await refund(1002, 5450, 'late_delivery')).toMatchObject({ decision: 'refuse', message: expect.stringMatching(/Order 1002 was not late: it was promised by 2026-03-06 and delivered on 2026-03-05/) });
    expect(await refund(1001, 12_999, 'late_delivery')).toMatchObject({ decision: 'allow' });
  });

  it('allows a late-delivery refund on day 30 after delivery and refuses it on day 31', async () => {
    // Order 1001 was delivered on 2026-03-13.
    expect((await setup(() => new Date('2026-04-12T12:00:00Z')).refund(1001, 12_999, 'late_delivery')).decision).toBe('allow');
    const dayThirtyOne = await setup(() => new Date('2026-04-13T12:00:00Z')).refund(1001, 12_999, 'late_delivery');
    expect(dayThirtyOne.decision).toBe('refuse');
    expect(dayThirtyOne.message).toMatch(/31 days ago; a late-delivery refund must be requested within 30 days of delivery/);
    expect(dayThirtyOne.message).toContain('"Refunds for late deliveries"');
  });

  it('holds a goodwill refund for a person, whatever the amount', async () => {
    const evaluation = await setup().refund(1002, 100, 'goodwill');
    expect(evaluation).toMatchObject({ decision: 'hold', holdingRule: 'refund-reason-eligible' });
    expect(evaluation.message).toContain('only a support manager can grant');
    expect(evaluation.message).toContain('Support tiers and escalation');
  });

  it('refunds a received return less the label, refuses one not received, and holds a used one', async () => {
    const { refund } = setup();
    expect(await refund(1229, 17_106, 'return_received')).toMatchObject({ decision: 'refuse', details: { maxAmountCents: 17_105 } });
    expect((await refund(1229, 17_105, 'return_received')).decision).toBe('allow');
    expect(await refund(1239, 100, 'return_received')).toMatchObject({ decision: 'refuse', message: expect.stringMatching(/has not been received yet/) });
    expect(await refund(1250, 100, 'return_received')).toMatchObject({ decision: 'hold', message: expect.stringMatching(/came back used/) });
    expect((await refund(1001, 100, 'return_received')).message).toMatch(/There is no return on order 1001/);
  });

  it('refunds a damaged item reported in time, and dead-on-arrival electronics within 30 days', async () => {
    const { refund } = setup();
    expect(await refund(1275, 21_497, 'damaged_item')).toMatchObject({ decision: 'refuse', details: { maxAmountCents: 5_999 } });
    expect((await refund(1275, 5_999, 'damaged_item')).decision).toBe('allow');
    expect((await refund(1248, 29_900, 'damaged_item')).decision).toBe('allow');
    expect(await refund(1245, 3_450, 'damaged_item')).toMatchObject({ decision: 'refuse', message: expect.stringMatching(/more than 48 hours after delivery/) });
    expect((await refund(1001, 100, 'damaged_item')).message).toMatch(/No damage or defect was reported/);
  });

  it('refunds a cancellation only for a cancelled order', async () => {
    const { refund } = setup();
    expect(await refund(1006, 8_850, 'cancelled_before_shipment')).toMatchObject({ decision: 'refuse', message: expect.stringMatching(/is not cancelled/) });
  });

  it('refuses an order that does not exist', async () => {
    expect((await setup().refund(4242, 100, 'late_delivery')).message).toMatch(/There is no order 4242/);
  });
});

describe('refund amounts', () => {
  it('deducts an earlier late-delivery credit from a late-delivery refund (orders 1210 and 1164)', async () => {
    const { refund } = setup();
    const full = await refund(1210, 31_150, 'late_delivery');
    expect(full).toMatchObject({ decision: 'refuse', details: { maxAmountCents: 24_920 } });
    expect(full.message).toMatch(/At most \$249\.20 can be refunded on order 1210 for this reason \(paid \$311\.50, refunded so far \$0\.00, late-delivery credit \$62\.30 deducted\)/);
    expect(full.message).toContain('the credit is taken into account');
    expect((await refund(1210, 24_920, 'late_delivery')).decision).toBe('allow');
    expect(await refund(1164, 91_499, 'late_delivery')).toMatchObject({ decision: 'refuse', details: { maxAmountCents: 45_749 } });
  });

  it('limits a refund by earlier partial refunds', async () => {
    const { refund, call } = setup();
    await call('issue_refund', { orderId: 1001, amountCents: 5_000, reason: 'late_delivery' });
    expect(await refund(1001, 12_999, 'late_delivery')).toMatchObject({ decision: 'refuse', details: { maxAmountCents: 7_999 } });
    expect((await refund(1001, 7_999, 'late_delivery')).decision).toBe('allow');
    expect(await refund(1005, 1, 'late_delivery')).toMatchObject({ decision: 'refuse', message: expect.stringMatching(/Nothing is left to refund on order 1005/) });
  });
});

describe('late-delivery credit', () => {
  const credit = (policy: ReturnType<typeof setup>['policy'], orderId: number, amountCents: number) =>
    policy.evaluate({ tool: 'create_credit_memo', args: { orderId, amountCents, reason: 'Late delivery credit' }, context });

  it('credits by the formula and no further', async () => {
    const { policy } = setup();
    // 4 full days late: 40% of $129.99.
    expect(await credit(policy, 1001, 5_201)).toMatchObject({ decision: 'refuse', details: { maxAmountCents: 5_200 } });
    expect((await credit(policy, 1001, 5_200)).decision).toBe('allow');
    expect((await credit(policy, 1002, 100)).message).toMatch(/was not late/);
  });

  it('never combines a credit with a late-delivery refund', async () => {
    const { policy, call } = setup();
    await call('issue_refund', { orderId: 1001, amountCents: 1_000, reason: 'late_delivery' });
    const evaluation = await credit(policy, 1001, 100);
    expect(evaluation.decision).toBe('refuse');
    expect(evaluation.message).toContain('The late-delivery credit is not combined with a full refund.');
    expect((await credit(policy, 1005, 100)).decision).toBe('refuse');
  });
});

describe('cancellation', () => {
  const cancel = (policy: ReturnType<typeof setup>['policy'], orderId: number) =>
    policy.evaluate({ tool: 'cancel_order', args: { orderId, reason: 'Changed mind' }, context });

  it('allows an unshipped order, refuses a shipped one, and holds one whose refund is above $500.00', async () => {
    const { policy, database } = setup();
    expect((await cancel(policy, 1006)).decision).toBe('allow');
    expect(await cancel(policy, 1003)).toMatchObject({ decision: 'refuse', message: expect.stringContaining('Once the status shows Shipped, the order can no longer be cancelled.') });
    database.prepare('UPDATE payments SET amount_cents = 60000 WHERE order_id = 1006').run();
    expect(await cancel(policy, 1006)).toMatchObject({ decision: 'hold', holdingRule: 'cancellation-before-shipment', message: expect.stringMatching(/refunds \$600\.00, more than the \$500\.00/) });
  });
});

describe('post-checks', () => {
  it('confirms a refund by the row carrying the call\'s key, and not for another key', async () => {
    const { policy, call } = setup();
    const args = { orderId: 1001, amountCents: 2_000, reason: 'late_delivery' };
    const result = await call('issue_refund', args, { idempotencyKey: 'key-1' });
    expect(await policy.confirm({ tool: 'issue_refund', args, result, context })).toMatchObject({ confirmed: true });
    expect(await policy.confirm({ tool: 'issue_refund', args, result, context: { ...context, idempotencyKey: 'other' } })).toMatchObject({ confirmed: false });
    expect(await policy.confirm({ tool: 'issue_refund', args: { ...args, amountCents: 3_000 }, result, context })).toMatchObject({ confirmed: false });
  });

  it('confirms a cancellation only when nothing paid is left unrefunded', async () => {
    const { policy, call } = setup();
    const args = { orderId: 1006, reason: 'Changed mind' };
    const result = await call('cancel_order', args, { idempotencyKey: 'key-1' });
    expect(await policy.confirm({ tool: 'cancel_order', args, result, context })).toMatchObject({ confirmed: true });
  });

  it('judges no read tool', async () => {
    const { policy } = setup();
    expect(policy.rulesFor('lookup_order')).toEqual([]);
    expect(await policy.evaluate({ tool: 'lookup_order', args: { orderId: 1001 }, context })).toEqual({ decision: 'allow', outcomes: [] });
  });
});
