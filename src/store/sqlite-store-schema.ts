import type { DatabaseSync } from 'node:sqlite';

/**
 * Items keyed by (namespace, key) in a WITHOUT ROWID table, so the primary key is the
 * clustered index: a namespace-prefix search is one range over it and never touches
 * another subtree. Vectors hang off their item and go with it on delete.
 */
export function createStoreSchema(database: DatabaseSync): void {
  database.exec(`
    CREATE TABLE IF NOT EXISTS store_items (
      namespace TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      index_fields TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      ttl_minutes REAL,
      expires_at INTEGER,
      PRIMARY KEY (namespace, key)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS store_items_expiry ON store_items (expires_at) WHERE expires_at IS NOT NULL;
    CREATE TABLE IF NOT EXISTS store_vectors (
      namespace TEXT NOT NULL,
      key TEXT NOT NULL,
      field TEXT NOT NULL,
      embedding BLOB NOT NULL,
      PRIMARY KEY (namespace, key, field),
      FOREIGN KEY (namespace, key) REFERENCES store_items (namespace, key) ON DELETE CASCADE
    ) WITHOUT ROWID;
  `);
}
