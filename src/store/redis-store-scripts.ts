/**
 * The three writes that depend on what Redis holds at that instant. They run as scripts
 * (atomic, inside the same MULTI as the plain writes) so no other client can slip in
 * between the check and the write.
 */

/** KEYS: keys-of-namespace, namespaces. ARGV: namespace. Forget a namespace left without items. */
export const pruneNamespaceScript = `
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[1]) end
return 0`;

/** KEYS: item, expiry. ARGV: now, expiry member. Push the expiry of a live item with a ttl forward by its ttl. */
export const refreshExpiryScript = `
local ttl = redis.call('HGET', KEYS[1], 'ttl')
if not ttl then return 0 end
local expiresAt = string.format('%.0f', tonumber(ARGV[1]) + tonumber(ttl) * 60000)
redis.call('HSET', KEYS[1], 'expiresAt', expiresAt)
redis.call('ZADD', KEYS[2], expiresAt, ARGV[2])
return 1`;

/**
 * KEYS: item, keys-of-namespace, namespaces, expiry. ARGV: now, namespace, key, expiry member.
 * Delete the item only if it is still expired (a read may have refreshed it since the sweep looked).
 */
export const deleteIfExpiredScript = `
local expiresAt = redis.call('HGET', KEYS[1], 'expiresAt')
if expiresAt and tonumber(expiresAt) > tonumber(ARGV[1]) then return 0 end
redis.call('ZREM', KEYS[4], ARGV[4])
if not expiresAt then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[3])
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('ZREM', KEYS[3], ARGV[2]) end
return 1`;
