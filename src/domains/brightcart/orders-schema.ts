import type { DatabaseSync } from 'node:sqlite';

// STRICT tables and CHECKs keep the sample data honest: money is whole cents, totals add up.
const statements = [
  `CREATE TABLE IF NOT EXISTS customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    ordered_at TEXT NOT NULL,
    shipping_service TEXT NOT NULL CHECK (shipping_service IN ('standard', 'express', 'overnight')),
    promised_by TEXT NOT NULL,
    subtotal_cents INTEGER NOT NULL CHECK (subtotal_cents >= 0),
    shipping_cents INTEGER NOT NULL CHECK (shipping_cents >= 0),
    total_cents INTEGER NOT NULL CHECK (total_cents = subtotal_cents + shipping_cents),
    status TEXT NOT NULL CHECK (status IN ('placed', 'shipped', 'delivered', 'cancelled')),
    cancelled_at TEXT,
    cancel_reason TEXT
  ) STRICT`,
  `CREATE TABLE IF NOT EXISTS order_items (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    sku TEXT NOT NULL,
    product_name TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('home', 'kitchen', 'electronics')),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0)
  ) STRICT`,
  `CREATE TABLE IF NOT EXISTS payments (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    method TEXT NOT NULL CHECK (method IN ('card', 'paypal', 'gift_card')),
    status TEXT NOT NULL CHECK (status IN ('captured', 'pending')),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    created_at TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE IF NOT EXISTS shipments (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL UNIQUE REFERENCES orders (id),
    carrier TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    shipped_at TEXT NOT NULL,
    delivered_at TEXT
  ) STRICT`,
  // idempotency_key ties a row to the tool call that made it, so an in-doubt call can be
  // reconciled by looking the key up, and a repeated call cannot insert a second row.
  `CREATE TABLE IF NOT EXISTS refunds (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    idempotency_key TEXT UNIQUE
  ) STRICT`,
  `CREATE TABLE IF NOT EXISTS credit_memos (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    idempotency_key TEXT UNIQUE
  ) STRICT`,
  // What the refund rules check a return or a damage claim against: records, not the model's word.
  `CREATE TABLE IF NOT EXISTS returns (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    sku TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    status TEXT NOT NULL CHECK (status IN ('started', 'received')),
    condition TEXT CHECK (condition IN ('unused', 'used')),
    started_at TEXT NOT NULL,
    received_at TEXT,
    CHECK ((status = 'received') = (received_at IS NOT NULL AND condition IS NOT NULL))
  ) STRICT`,
  `CREATE TABLE IF NOT EXISTS damage_reports (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    sku TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('damaged', 'defective', 'wrong_item')),
    reported_at TEXT NOT NULL
  ) STRICT`,
  'CREATE INDEX IF NOT EXISTS orders_customer ON orders (customer_id)',
  'CREATE INDEX IF NOT EXISTS returns_order ON returns (order_id)',
  'CREATE INDEX IF NOT EXISTS damage_reports_order ON damage_reports (order_id)',
  'CREATE INDEX IF NOT EXISTS order_items_order ON order_items (order_id)',
  'CREATE INDEX IF NOT EXISTS payments_order ON payments (order_id)',
  'CREATE INDEX IF NOT EXISTS refunds_order ON refunds (order_id)',
  'CREATE INDEX IF NOT EXISTS credit_memos_order ON credit_memos (order_id)',
];

/**
 * Create the Brightcart orders tables and indexes if they do not exist yet. Returns and damage
 * reports opened by the tools carry their call's idempotency key (a column that databases made
 * before those tools existed get here), so a crashed call can be looked up.
 */
export function ensureOrdersSchema(database: DatabaseSync): void {
  for (const statement of statements) database.exec(statement);
  for (const table of ['returns', 'damage_reports']) {
    const columns = database.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
    if (!columns.some((column) => column.name === 'idempotency_key')) database.exec(`ALTER TABLE ${table} ADD COLUMN idempotency_key TEXT`);
    database.exec(`CREATE UNIQUE INDEX IF NOT EXISTS ${table}_idempotency_key ON ${table} (idempotency_key)`);
  }
}
