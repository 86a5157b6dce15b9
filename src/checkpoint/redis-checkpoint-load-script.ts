import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/**
 * One Lua script serves every read, so `getTuple` (latest or by id) is one round
 * trip and each `list` page is one round trip, whatever the thread's size: it finds
 * the checkpoint(s) through the lexicographic indexes (O(log n)), then gathers the
 * record, the pending writes and the channel blobs the checkpoint points at. EVAL is
 * a core command, so this runs on plain Redis 6/7 and Valkey.
 *
 * KEYS: the seven thread keys in `listThreadKeys` order.
 * ARGV[1]: TTL in seconds to refresh on a hit, `0` for none.
 * ARGV[2]: `latest` (ARGV[3] namespace) | `members` (ARGV[3..] `namespace\0id`)
 *          | `range` (ARGV[3] `namespace`|`timeline`, ARGV[4] max, ARGV[5] min, ARGV[6] count).
 * Returns `[cursor|nil, [member, record, writes[], blobs[channel, value, ...]]...]`;
 * the cursor is the last index member read when the page was full.
 */
const loadScript = String.raw`
local function slices(key, fields)
  local values = {}
  for first = 1, #fields, 1000 do
    local chunk = redis.call('HMGET', key, unpack(fields, first, math.min(first + 999, #fields)))
    for offset = 1, #chunk do values[first + offset - 1] = chunk[offset] end
  end
  return values
end

local function load(member)
  local record = redis.call('HGET', KEYS[3], member)
  if not record then return nil end
  local namespace = string.sub(member, 1, string.find(member, '\0', 1, true) - 1)
  local writes = {}
  local writeFields = redis.call('ZRANGEBYLEX', KEYS[7], '[' .. member .. '\0', '(' .. member .. '\1')
  local writeValues = slices(KEYS[6], writeFields)
  for index = 1, #writeFields do
    if writeValues[index] then writes[#writes + 1] = writeValues[index] end
  end
  local blobs = {}
  local channels = redis.call('HGET', KEYS[4], member)
  if channels then
    local versions = cjson.decode(channels)
    local blobFields = {}
    for index = 1, #versions do
      blobFields[index] = namespace .. '\0' .. versions[index][1] .. '\0' .. versions[index][2]
    end
    local blobValues = slices(KEYS[5], blobFields)
    for index = 1, #versions do
      if blobValues[index] then
        blobs[#blobs + 1] = versions[index][1]
        blobs[#blobs + 1] = blobValues[index]
      end
    end
  end
  return { member, record, writes, blobs }
end

local members = {}
local cursor = false
if ARGV[2] == 'latest' then
  local found = redis.call('ZREVRANGEBYLEX', KEYS[1], '(' .. ARGV[3] .. '\1', '[' .. ARGV[3] .. '\0', 'LIMIT', 0, 1)
  if found[1] then members[1] = found[1] end
elseif ARGV[2] == 'members' then
  for index = 3, #ARGV do members[#members + 1] = ARGV[index] end
else
  local count = tonumber(ARGV[6])
  local index = ARGV[3] == 'timeline' and KEYS[2] or KEYS[1]
  local found = redis.call('ZREVRANGEBYLEX', index, ARGV[4], ARGV[5], 'LIMIT', 0, count)
  for position = 1, #found do
    local raw = found[position]
    if ARGV[3] == 'timeline' then
      local at = string.find(raw, '\0', 1, true)
      raw = string.sub(raw, at + 1) .. '\0' .. string.sub(raw, 1, at - 1)
    end
    members[position] = raw
  end
  if #found == count then cursor = found[#found] end
end

local result = { cursor }
for _, member in ipairs(members) do
  local entry = load(member)
  if entry then result[#result + 1] = entry end
end
local ttl = tonumber(ARGV[1])
if ttl > 0 and #result > 1 then
  for index = 1, #KEYS do redis.call('EXPIRE', KEYS[index], ttl) end
end
return result
`;

const loadScriptSha = createHash('sha1').update(loadScript).digest('hex');

/** One loaded checkpoint, still serialized: `member` is `namespace\0checkpointId`. */
export interface LoadedCheckpoint {
  member: string;
  record: Buffer;
  writes: Buffer[];
  blobs: Array<[channel: string, value: Buffer]>;
}

export interface LoadResult {
  cursor: string | undefined;
  checkpoints: LoadedCheckpoint[];
}

type RawEntry = [Buffer, Buffer, Buffer[], Buffer[]];

/**
 * Runs the load script by SHA and falls back to sending its source once after a
 * restart or failover empties the script cache (NOSCRIPT).
 */
export async function runLoadScript(client: Redis | Cluster, keys: string[], args: string[]): Promise<LoadResult> {
  let raw: unknown;
  try {
    raw = await client.callBuffer('EVALSHA', loadScriptSha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) {
      throw error;
    }
    raw = await client.callBuffer('EVAL', loadScript, keys.length, ...keys, ...args);
  }
  const [cursor, ...entries] = raw as [Buffer | null, ...RawEntry[]];
  return {
    cursor: cursor === null ? undefined : cursor.toString('utf8'),
    checkpoints: entries.map(([member, record, writes, blobs]) => {
      const pairs: Array<[string, Buffer]> = [];
      for (let index = 0; index + 1 < blobs.length; index += 2) {
        pairs.push([blobs[index]!.toString('utf8'), blobs[index + 1]!]);
      }
      return { member: member.toString('utf8'), record, writes, blobs: pairs };
    }),
  };
}
