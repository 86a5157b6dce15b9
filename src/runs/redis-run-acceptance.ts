import type { Redis } from 'ioredis';

/** What became of a queued stateless run: its creator was answered 2xx (`accepted`) or it never will be (`abandoned`). */
export type RunAcceptanceDecision = 'accepted' | 'abandoned';

/**
 * The one decision, made once in Redis, whether a stateless run that was put on the queue may
 * execute. Its job carries its record, and BullMQ queues commands through an outage: a job whose
 * creator was answered 503 can still land later. So a worker executes such a job only once its
 * run is `accepted`; the API answers 2xx only after `accept` said so. Whoever decides first wins
 * (GET then SET in one script), and no one can accept after `acceptBy` (Redis's clock): a
 * decision that arrives later is `abandoned`. See docs/architecture.md, "Stateless runs in an outage".
 */
export interface RunAcceptance {
  /** Accept the run unless it was abandoned or `acceptBy` has passed; the decision that stands. */
  accept(runId: string, acceptBy: number): Promise<RunAcceptanceDecision>;
  /** Abandon the run unless it was accepted; the decision that stands. */
  abandon(runId: string, acceptBy: number): Promise<RunAcceptanceDecision>;
  /** The decision, if made; once `acceptBy` has passed an undecided run is abandoned here. */
  decision(runId: string, acceptBy: number): Promise<RunAcceptanceDecision | undefined>;
}

export interface RedisRunAcceptanceOptions {
  client: Redis;
  /** e.g. `overseer:`; keys are `<prefix>run-acceptance:{<run>}`. */
  keyPrefix: string;
  /** How long a decision is kept: longer than any job waits in the queue (default 7 days). */
  retentionSeconds?: number;
}

// KEYS[1]: the decision. ARGV: acceptBy (ms since the epoch), the wanted decision ('' only reads), retention (s).
// TIME is Redis's clock, the same one for every process that asks.
const decideScript = `
local decided = redis.call('GET', KEYS[1])
if decided then return decided end
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local wanted = ARGV[2]
if nowMs > tonumber(ARGV[1]) then wanted = 'abandoned' end
if wanted == '' then return '' end
redis.call('SET', KEYS[1], wanted, 'EX', tonumber(ARGV[3]))
return wanted`;

/**
 * Run acceptance on Redis: one key per run, written once by a Lua script.
 * @example const acceptance = createRedisRunAcceptance({ client, keyPrefix: 'overseer:' });
 */
export function createRedisRunAcceptance(options: RedisRunAcceptanceOptions): RunAcceptance {
  const { client, keyPrefix } = options;
  const retentionSeconds = options.retentionSeconds ?? 7 * 86_400;
  const keyOf = (runId: string) => `${keyPrefix}run-acceptance:{${encodeURIComponent(runId)}}`;
  const decide = async (runId: string, acceptBy: number, wanted: RunAcceptanceDecision | '') =>
    (await client.eval(decideScript, 1, keyOf(runId), String(acceptBy), wanted, String(retentionSeconds))) as RunAcceptanceDecision | '';

  return {
    accept: async (runId, acceptBy) => (await decide(runId, acceptBy, 'accepted')) as RunAcceptanceDecision,
    abandon: async (runId, acceptBy) => (await decide(runId, acceptBy, 'abandoned')) as RunAcceptanceDecision,
    async decision(runId, acceptBy) {
      return (await decide(runId, acceptBy, '')) || undefined;
    },
  };
}
