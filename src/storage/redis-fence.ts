import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { AppError } from '../errors.ts';

/**
 * A worker's claim on a run: the run's fence key and the token its claim received (an INCR,
 * so every later claim holds a larger one). Every write a worker makes for the run carries
 * it, and the store compares it with the key's current value in the same atomic step.
 */
export interface RunFence {
  key: string;
  token: number;
}

/** Where a worker passes its fence to the checkpointer and tools: LangGraph hands `configurable` to every saver call, and keeps `__` keys out of checkpoint metadata. */
export const fenceConfigKey = '__run_fence';

/** The fence a LangGraph config carries, if any. */
export function fenceOf(config: { configurable?: Record<string, unknown> } | undefined): RunFence | undefined {
  const fence = config?.configurable?.[fenceConfigKey] as Partial<RunFence> | undefined;
  return fence && typeof fence.key === 'string' && typeof fence.token === 'number' ? { key: fence.key, token: fence.token } : undefined;
}

/*
 * Prepended to a script: KEYS[1] and ARGV[1] are the fence key and token, taken off so the
 * rest of the script sees its own keys and arguments from 1 as before. A missing fence key is
 * stale too (a claim always sets it).
 */
const fencePreamble = `
local fenceKey = table.remove(KEYS, 1)
local fenceToken = table.remove(ARGV, 1)
if redis.call('GET', fenceKey) ~= fenceToken then return redis.error_reply('RUN_FENCED the claim ' .. fenceToken .. ' on ' .. fenceKey .. ' is no longer current') end
`;

export interface FencedScript {
  source: string;
  sha: string;
}

/** The script with the fence check in front: run it with the fence key first in KEYS and the token first in ARGV. */
export function withFence(source: string): FencedScript {
  const fenced = fencePreamble + source;
  return { source: fenced, sha: createHash('sha1').update(fenced).digest('hex') };
}

// ARGV after the token: for each command its argument count, then the command and its arguments.
const applyCommands = withFence(`
local position = 1
while position <= #ARGV do
  local count = tonumber(ARGV[position])
  redis.call(unpack(ARGV, position + 1, position + count))
  position = position + count + 1
end
return 'OK'`);

export type RedisCommand = Array<string | number | Buffer>;

/** Run a fenced script (EVALSHA, loading it on NOSCRIPT); a stale fence rejects with `RUN_FENCED`. */
export async function runFencedScript(
  client: Redis | Cluster,
  script: FencedScript,
  fence: RunFence,
  keys: string[],
  args: Array<string | number | Buffer>,
): Promise<unknown> {
  const allKeys = [fence.key, ...keys];
  const allArgs = [String(fence.token), ...args];
  try {
    try {
      return await client.evalsha(script.sha, allKeys.length, ...allKeys, ...allArgs);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await client.eval(script.source, allKeys.length, ...allKeys, ...allArgs);
    }
  } catch (error) {
    if (isFenceRefusal(error)) throw fenced(fence, error);
    throw error;
  }
}

/**
 * Apply `commands` in one atomic step if `fence` is still current, else none of them. `keys`
 * names every key the commands touch (declared for the script; on a Redis Cluster they must
 * share a slot with the fence key, which is why the fence is a standalone-Redis feature).
 */
export async function runFencedCommands(client: Redis | Cluster, fence: RunFence, keys: string[], commands: RedisCommand[]): Promise<void> {
  const args = commands.flatMap((command) => [command.length, ...command]);
  await runFencedScript(client, applyCommands, fence, keys, args);
}

function isFenceRefusal(error: unknown): boolean {
  return error instanceof Error && error.message.includes('RUN_FENCED');
}

function fenced(fence: RunFence, cause: unknown): AppError {
  return new AppError('RUN_FENCED', `A write for a run was refused: claim ${fence.token} is no longer current (another worker took the run over)`, { cause });
}

/** Whether `error` is a write refused for a stale fence. */
export function isFencedError(error: unknown): boolean {
  return (error instanceof AppError && error.code === 'RUN_FENCED') || isFenceRefusal(error);
}
