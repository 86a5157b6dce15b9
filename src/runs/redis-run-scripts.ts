import { createHash } from 'node:crypto';

/* The Lua scripts of the Redis run repository: each changes a record and its index entries in one atomic step. */

export interface LuaScript {
  source: string;
  sha: string;
}

function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

// ARGV: thread id, created score, updated score, number of thread fields, their pairs, then metadata pairs.
export const createThreadScript = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local metadataStart = 5 + tonumber(ARGV[4]) * 2
redis.call('HSET', KEYS[1], unpack(ARGV, 5, metadataStart - 1))
if #ARGV >= metadataStart then redis.call('HSET', KEYS[2], unpack(ARGV, metadataStart)) end
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
return 1`);

// ARGV: thread id, updated score, number of thread fields, their field/value pairs, then metadata pairs.
export const updateThreadScript = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local metadataStart = 4 + tonumber(ARGV[3]) * 2
redis.call('HSET', KEYS[1], unpack(ARGV, 4, metadataStart - 1))
if #ARGV >= metadataStart then redis.call('HSET', KEYS[2], unpack(ARGV, metadataStart)) end
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}`);

// Deletes only if ARGV[2..] is exactly the thread's run index, read just before; -1 asks the caller to read again.
// KEYS: thread, metadata, threads by creation, threads by update, thread runs, thread active,
// the tenant's run list (its entries for these runs go), then the run records.
export const deleteThreadScript = luaScript(`
if redis.call('ZCARD', KEYS[5]) ~= #ARGV - 1 then return -1 end
for index = 2, #ARGV do
  if not redis.call('ZSCORE', KEYS[5], ARGV[index]) then return -1 end
end
local existed = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
for index = 2, #ARGV do redis.call('ZREM', KEYS[7], ARGV[index]) end
for index = 2, #KEYS do
  if index ~= 3 and index ~= 4 and index ~= 7 then redis.call('DEL', KEYS[index]) end
end
return existed`);

// A run id belongs to one tenant and thread for good, so one tenant cannot overwrite another's run.
export const claimRunScript = luaScript(`
local owner = redis.call('HGET', KEYS[1], ARGV[1])
if owner and owner ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] == '1' then redis.call('SADD', KEYS[2], ARGV[1]) end
return 1`);

// ARGV: run id, number of fields to set, their field/value pairs, then fields to delete.
export const updateRunScript = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local deleteStart = 3 + tonumber(ARGV[2]) * 2
redis.call('HSET', KEYS[1], unpack(ARGV, 3, deleteStart - 1))
if #ARGV >= deleteStart then redis.call('HDEL', KEYS[1], unpack(ARGV, deleteStart)) end
local status = redis.call('HGET', KEYS[1], 'status')
if status == '"pending"' or status == '"running"' then
  redis.call('SADD', KEYS[2], ARGV[1])
else
  redis.call('SREM', KEYS[2], ARGV[1])
end
return status`);
