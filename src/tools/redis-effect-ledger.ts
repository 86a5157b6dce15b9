import type { Redis } from 'ioredis';
import { AppError, guardStorageAsync } from '../errors.ts';
import { runFencedScript, withFence, type RunFence } from '../storage/index.ts';
import type { EffectClaim, EffectLedger, EffectRecord, EffectStatus } from './effect-ledger.ts';

export interface RedisEffectLedgerOptions {
  client: Redis;
  /** Prepended to every key, e.g. `overseer:`; entries live at `<prefix>effect:<idempotency key>`. */
  keyPrefix?: string;
  clock?: () => Date;
}

// Claim in one step: create `started`, re-claim a `failed` attempt, or report what is there.
// Returns the state followed by the entry's fields.
const beginScript = `
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then
  redis.call('HSET', key, 'tenantId', ARGV[1], 'toolName', ARGV[2], 'argsHash', ARGV[3], 'status', 'started', 'attempts', 1, 'startedAt', ARGV[4])
  return {'new'}
end
local found = redis.call('HMGET', key, 'tenantId', 'toolName', 'argsHash', 'status')
local state = found[4]
if found[1] ~= ARGV[1] or found[2] ~= ARGV[2] or found[3] ~= ARGV[3] then
  state = 'conflict'
elseif state == 'failed' then
  redis.call('HSET', key, 'status', 'started', 'startedAt', ARGV[4])
  redis.call('HINCRBY', key, 'attempts', 1)
  redis.call('HDEL', key, 'errorMessage', 'finishedAt')
  return {'new'}
end
local reply = {state}
for _, value in ipairs(redis.call('HGETALL', key)) do reply[#reply + 1] = value end
return reply`;

// Finish only a claim in progress, so a late writer cannot overwrite a recorded outcome.
const finishScript = `
if redis.call('HGET', KEYS[1], 'status') ~= 'started' then return redis.call('HGET', KEYS[1], 'status') or 'missing' end
redis.call('HSET', KEYS[1], 'status', ARGV[1], ARGV[2], ARGV[3], 'finishedAt', ARGV[4])
return 'ok'`;

const fencedBegin = withFence(beginScript);
const fencedFinish = withFence(finishScript);

/**
 * The effect ledger in Redis: one hash per idempotency key, claimed and finished by Lua
 * scripts so concurrent processes cannot both win a claim.
 * @example const ledger = createRedisEffectLedger({ client: redis, keyPrefix: 'overseer:' });
 */
export function createRedisEffectLedger(options: RedisEffectLedgerOptions): EffectLedger {
  const { client } = options;
  const prefix = options.keyPrefix ?? '';
  const clock = options.clock ?? (() => new Date());
  const keyOf = (key: string) => `${prefix}effect:${key}`;

  // A worker's fence, when given, is compared in the same script: a worker that lost its run claims and records nothing.
  function run(script: string, fenced: ReturnType<typeof withFence>, key: string, args: string[], fence: RunFence | undefined) {
    return storage(() => (fence ? runFencedScript(client, fenced, fence, [keyOf(key)], args) : client.eval(script, 1, keyOf(key), ...args)));
  }

  async function finish(key: string, status: EffectStatus, field: string, value: string, outcome: string, fence?: RunFence): Promise<void> {
    const reply = await run(finishScript, fencedFinish, key, [status, field, value, clock().toISOString()], fence) as string;
    if (reply === 'ok') return;
    throw new AppError('CONFLICT', `Cannot record ${outcome} for effect "${key}": it is not in progress`, {
      details: { idempotencyKey: key, status: reply },
    });
  }

  return {
    async begin(key, request): Promise<EffectClaim> {
      const reply = await run(beginScript, fencedBegin, key, [request.tenantId, request.toolName, request.argsHash, clock().toISOString()], request.fence) as string[];
      const [state, ...fields] = reply;
      if (state === 'new') return { state: 'new' };
      const record = toRecord(key, fields);
      if (state === 'conflict') return { state: 'conflict', record };
      if (state === 'done') return { state: 'done', result: record.result };
      return { state: 'in_doubt', startedAt: record.startedAt };
    },
    complete: (key, result, fence) => finish(key, 'done', 'resultJson', JSON.stringify(result ?? null), 'a result', fence),
    fail: (key, message, fence) => finish(key, 'failed', 'errorMessage', message, 'a failure', fence),
    async get(key) {
      const fields = await storage(() => client.hgetall(keyOf(key)));
      if (Object.keys(fields).length === 0) return undefined;
      return toRecord(key, Object.entries(fields).flat());
    },
  };
}

const storage = <T>(work: () => Promise<T>) => guardStorageAsync('The effect ledger is unavailable', work);

function toRecord(key: string, flat: string[]): EffectRecord {
  const fields: Record<string, string> = {};
  for (let index = 0; index < flat.length; index += 2) fields[flat[index]!] = flat[index + 1]!;
  const record: EffectRecord = {
    idempotencyKey: key,
    tenantId: fields.tenantId!,
    toolName: fields.toolName!,
    argsHash: fields.argsHash!,
    status: fields.status as EffectStatus,
    attempts: Number(fields.attempts),
    startedAt: fields.startedAt!,
  };
  if (fields.resultJson !== undefined) record.result = JSON.parse(fields.resultJson);
  if (fields.errorMessage !== undefined) record.errorMessage = fields.errorMessage;
  if (fields.finishedAt !== undefined) record.finishedAt = fields.finishedAt;
  return record;
}
