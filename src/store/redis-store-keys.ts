/**
 * Redis layout of one store (every key under `prefix`, so a test or a tenant of Redis can
 * own a prefix and delete it):
 * - `namespaces`: sorted set of encoded namespaces, all scored 0, so ZRANGEBYLEX reads a subtree;
 * - `keys:<namespace>`: sorted set of item keys scored by updatedAt, the per-namespace index;
 * - `item:<namespace>:<key>`: hash with value, index, createdAt, updatedAt, ttl, expiresAt, vectors;
 * - `expiry`: sorted set of `<namespace>\0<key>` scored by expiresAt, what a sweep reads.
 * Namespace labels cannot contain ":", so `item:` keys split unambiguously.
 */
export interface RedisStoreKeys {
  namespaces: string;
  expiry: string;
  keysOf(namespace: string): string;
  itemOf(namespace: string, key: string): string;
}

export function createRedisStoreKeys(prefix: string): RedisStoreKeys {
  return {
    namespaces: `${prefix}:namespaces`,
    expiry: `${prefix}:expiry`,
    keysOf: (namespace) => `${prefix}:keys:${namespace}`,
    itemOf: (namespace, key) => `${prefix}:item:${namespace}:${key}`,
  };
}
