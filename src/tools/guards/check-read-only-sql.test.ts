import { describe, expect, it } from 'vitest';
import { checkReadOnlySql } from './check-read-only-sql.ts';
import { tokenizeSql } from './tokenize-sql.ts';

describe('checkReadOnlySql', () => {
  it.each([
    'SELECT id, total_cents FROM orders WHERE id = 1001',
    "SELECT 'drop table orders; delete from refunds' AS harmless",
    'SELECT "delete" FROM (SELECT 1 AS "delete")',
    'WITH late AS (SELECT order_id FROM shipments WHERE delivered_at > shipped_at) SELECT COUNT(*) FROM late',
    "SELECT CASE WHEN total_cents > 50000 THEN 'big' ELSE 'small' END, replace(sku, '-', '') FROM orders JOIN order_items ON order_items.order_id = orders.id",
    'SELECT 1; -- trailing comment; DROP TABLE orders',
    'PRAGMA table_info(orders)',
  ])('allows a single read: %s', (sql) => {
    expect(checkReadOnlySql(sql)).toEqual({ ok: true });
  });

  it.each([
    ['DROP TABLE refunds', /DROP/],
    ['drop table refunds', /DROP/],
    ['TRUNCATE TABLE refunds', /TRUNCATE/],
    ['ALTER TABLE orders ADD COLUMN hacked TEXT', /ALTER/],
    ['DELETE FROM refunds', /DELETE without WHERE/],
    ['UPDATE orders SET total_cents = 0', /UPDATE without WHERE/],
    ['DELETE FROM refunds WHERE id = 1', /DELETE is a write/],
    ['SELECT 1; DROP TABLE orders', /one statement/],
    ['SELECT 1;/* hidden */DELETE FROM refunds', /one statement/],
    ["ATTACH DATABASE '/tmp/x.db' AS x", /ATTACH/],
    ['PRAGMA foreign_keys = OFF', /PRAGMA foreign_keys/],
    ['PRAGMA writable_schema', /PRAGMA writable_schema/],
    ['WITH gone AS (SELECT id FROM refunds) DELETE FROM refunds WHERE id IN gone', /DELETE/],
    ['INSERT INTO refunds VALUES (1)', /INSERT/],
    ['REPLACE INTO refunds VALUES (1)', /REPLACE/],
    ["SELECT load_extension('/tmp/evil.so')", /load_extension/],
    ['VACUUM', /VACUUM/],
    ["SELECT 'unterminated", /cannot be read/],
    ['   ', /empty/],
    ['BEGIN', /Only SELECT/],
  ])('refuses %s', (sql, reason) => {
    const check = checkReadOnlySql(sql);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toMatch(reason);
  });
});

describe('tokenizeSql', () => {
  it('keeps strings and quoted identifiers whole, with doubled quotes unescaped, and skips comments', () => {
    expect(tokenizeSql(`SELECT 'it''s', "a""b", [c d] -- note\n/* x */ FROM t;`)).toEqual([
      { kind: 'word', text: 'SELECT' }, { kind: 'string', text: "it's" }, { kind: 'operator', text: ',' },
      { kind: 'quoted_identifier', text: 'a"b' }, { kind: 'operator', text: ',' }, { kind: 'quoted_identifier', text: 'c d' },
      { kind: 'word', text: 'FROM' }, { kind: 'word', text: 'T' }, { kind: 'semicolon', text: ';' },
    ]);
  });
});
