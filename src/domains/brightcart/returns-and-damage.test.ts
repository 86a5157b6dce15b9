import { describe, expect, it } from 'vitest';
import { createOrderPolicy } from './create-order-policy.ts';
import { createOrderToolsTestKit } from './order-tools-test-kit.ts';
import { ordersReferenceDate } from './scenario-orders.ts';

// Order 1001: one coffee set (KIT-002), delivered 2026-03-13 16:45. Order 1002: one desk lamp
// (ELEC-002, electronics), delivered 2026-03-05 13:30. Order 1003 has not arrived.
function setup(clock: () => Date = () => ordersReferenceDate) {
  const kit = createOrderToolsTestKit(clock);
  const policy = createOrderPolicy({ database: kit.database, clock });
  const judge = (tool: string, args: Record<string, unknown>, idempotencyKey = 'key-1') =>
    policy.evaluate({ tool, args, context: { tenantId: 'tenant-1', idempotencyKey } });
  return { ...kit, policy, judge };
}

describe('start_return', () => {
  it('records a started return and tells the customer how to send it back, by when', async () => {
    const { call, count } = setup();
    const started = await call('start_return', { orderId: 1001, sku: 'KIT-002', quantity: 1 }, { idempotencyKey: 'return-1' });
    expect(started).toMatchObject({ orderId: 1001, sku: 'KIT-002', quantity: 1, status: 'started', dropOffBy: '2026-04-15' });
    expect(started.customerSummary).toMatch(/Your return of 1 × Ceramic Pour-Over Coffee Set from order 1001 is started/);
    expect(started.customerSummary).toMatch(/by 2026-04-15.*refund it to your card.*\$6\.95 return label is deducted/);
    expect(count("SELECT COUNT(*) AS count FROM returns WHERE order_id = ? AND status = 'started'", 1001)).toBe(1);
  });

  it('answers a repeated call with the same return, and never returns more than was bought', async () => {
    const { call, count } = setup();
    const first = await call('start_return', { orderId: 1001, sku: 'KIT-002', quantity: 1 }, { idempotencyKey: 'same' });
    expect(await call('start_return', { orderId: 1001, sku: 'KIT-002', quantity: 1 }, { idempotencyKey: 'same' })).toEqual(first);
    await expect(call('start_return', { orderId: 1001, sku: 'KIT-002', quantity: 1 })).rejects.toMatchObject({ name: 'ToolError', message: expect.stringMatching(/1 already being returned/) });
    await expect(call('start_return', { orderId: 1001, sku: 'HOME-001', quantity: 1 })).rejects.toMatchObject({ message: expect.stringMatching(/has no item HOME-001; its items are KIT-002/) });
    await expect(call('start_return', { orderId: 1003, sku: 'X', quantity: 1 })).rejects.toMatchObject({ message: expect.stringMatching(/not been delivered yet/) });
    expect(count('SELECT COUNT(*) AS count FROM returns WHERE order_id = ?', 1001)).toBe(1);
  });

  it('is allowed on day 30 after delivery and refused on day 31, quoting the returns policy', async () => {
    expect((await setup(() => new Date('2026-04-12T12:00:00Z')).judge('start_return', { orderId: 1001, sku: 'KIT-002', quantity: 1 })).decision).toBe('allow');
    const late = await setup(() => new Date('2026-04-13T12:00:00Z')).judge('start_return', { orderId: 1001, sku: 'KIT-002', quantity: 1 });
    expect(late.decision).toBe('refuse');
    expect(late.message).toMatch(/31 days ago, outside the 30-day return window/);
    expect(late.message).toContain('"After 30 days we cannot accept ordinary returns.');
    expect((await setup().judge('start_return', { orderId: 1003, sku: 'X', quantity: 1 })).message).toMatch(/has not been delivered yet/);
  });

  it('confirms the effect only when the return is on record', async () => {
    const { call, policy } = setup();
    const args = { orderId: 1001, sku: 'KIT-002', quantity: 1 };
    const context = { tenantId: 'tenant-1', idempotencyKey: 'key-1' };
    expect(await policy.confirm({ tool: 'start_return', args, context, result: {} })).toMatchObject({ confirmed: false });
    const result = await call('start_return', args, { idempotencyKey: 'key-1' });
    expect(await policy.confirm({ tool: 'start_return', args, context, result })).toMatchObject({ confirmed: true });
  });
});

describe('report_damage', () => {
  it('records a report within 48 hours of delivery and lists what the customer may choose', async () => {
    const { call, judge, count } = setup(() => new Date('2026-03-15T10:00:00Z'));
    expect((await judge('report_damage', { orderId: 1001, sku: 'KIT-002', kind: 'damaged' })).decision).toBe('allow');
    const report = await call('report_damage', { orderId: 1001, sku: 'KIT-002', kind: 'damaged' });
    expect(report).toMatchObject({ orderId: 1001, sku: 'KIT-002', kind: 'damaged', alreadyReported: false });
    expect(report.customerSummary).toMatch(/arrived damaged\. You can choose a free replacement, a full refund of what you paid for it, or a partial refund/);
    expect(count('SELECT COUNT(*) AS count FROM damage_reports WHERE order_id = ?', 1001)).toBe(1);
    const again = await call('report_damage', { orderId: 1001, sku: 'KIT-002', kind: 'damaged' });
    expect(again).toMatchObject({ reportId: report.reportId, alreadyReported: true });
    expect(count('SELECT COUNT(*) AS count FROM damage_reports WHERE order_id = ?', 1001)).toBe(1);
  });

  it('refuses damage reported after 48 hours, and a late fault outside dead-on-arrival as a warranty matter', async () => {
    const { judge } = setup();
    const damaged = await judge('report_damage', { orderId: 1001, sku: 'KIT-002', kind: 'damaged' });
    expect(damaged).toMatchObject({ decision: 'refuse' });
    expect(damaged.message).toMatch(/more than 48 hours ago/);
    expect(damaged.message).toContain('"Please report damage within 48 hours of delivery."');
    const fault = await judge('report_damage', { orderId: 1001, sku: 'KIT-002', kind: 'defective' });
    expect(fault.message).toMatch(/warranty matter rather than delivery damage/);
  });

  it('accepts electronics that do not work within 30 days of delivery, and not after', async () => {
    // Order 1002's desk lamp was delivered 2026-03-05: day 27 on the reference date.
    expect((await setup().judge('report_damage', { orderId: 1002, sku: 'ELEC-002', kind: 'defective' })).decision).toBe('allow');
    expect((await setup().judge('report_damage', { orderId: 1002, sku: 'ELEC-002', kind: 'damaged' })).decision).toBe('refuse');
    expect((await setup(() => new Date('2026-04-05T12:00:00Z')).judge('report_damage', { orderId: 1002, sku: 'ELEC-002', kind: 'defective' })).decision).toBe('refuse');
  });

  it('makes a damaged-item refund possible once reported in time', async () => {
    const { call, judge } = setup(() => new Date('2026-03-14T09:00:00Z'));
    expect((await judge('issue_refund', { orderId: 1001, amountCents: 12_999, reason: 'damaged_item' })).decision).toBe('refuse');
    await call('report_damage', { orderId: 1001, sku: 'KIT-002', kind: 'damaged' });
    expect((await judge('issue_refund', { orderId: 1001, amountCents: 12_999, reason: 'damaged_item' })).decision).toBe('allow');
  });
});
