import type { Redis } from 'ioredis';
import { AppError, guardStorageAsync } from '../../errors.ts';
import { statusByVerdict, type ApprovalRequest, type ApprovalStatus, type ApprovalStore, type NewApprovalRequest } from './approval-request.ts';
import { checkDecisionInput, expiredError, isExpired } from './check-decision-input.ts';

export interface RedisApprovalStoreOptions {
  client: Redis;
  /**
   * Keys: `<prefix>approval:<id>` (hash), `<prefix>approvals:pending:<tenant>` (sorted set by
   * expiry) and `<prefix>approvals:unresumed` (decided, resume not yet seen; sorted set by decision time).
   */
  keyPrefix?: string;
  clock?: () => Date;
}

const createScript = `
if redis.call('HSETNX', KEYS[1], 'requestJson', ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'pending')
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1`;

// Decide only what is still in the state we checked, so a racing approver loses cleanly; a
// decision that can be resumed on its own joins the unresumed set in the same step (ARGV[4]: its time, or '').
const decideScript = `
if redis.call('HGET', KEYS[1], 'status') ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'decisionJson', ARGV[2]) end
redis.call('ZREM', KEYS[2], ARGV[3])
if ARGV[4] ~= '' then redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3]) end
return 1`;

// Close only a request still pending: a decision that got there first wins.
const closeScript = `
if redis.call('HGET', KEYS[1], 'status') ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'closedJson', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[3])
return 1`;

/**
 * Approval requests in Redis, for deployments that keep run state there.
 * @example const approvals = createRedisApprovalStore({ client: redis, keyPrefix: 'overseer:' });
 */
export function createRedisApprovalStore(options: RedisApprovalStoreOptions): ApprovalStore {
  const { client } = options;
  const prefix = options.keyPrefix ?? '';
  const clock = options.clock ?? (() => new Date());
  const requestKey = (id: string) => `${prefix}approval:${id}`;
  const pendingKey = (tenantId: string) => `${prefix}approvals:pending:${tenantId}`;
  const unresumedKey = `${prefix}approvals:unresumed`;

  async function read(id: string): Promise<ApprovalRequest | undefined> {
    const fields = await storage(() => client.hgetall(requestKey(id)));
    if (fields.requestJson === undefined) return undefined;
    const request = { ...(JSON.parse(fields.requestJson) as NewApprovalRequest), status: fields.status as ApprovalStatus } as ApprovalRequest;
    if (fields.decisionJson !== undefined) request.decision = JSON.parse(fields.decisionJson);
    if (fields.closedJson !== undefined) request.closed = JSON.parse(fields.closedJson);
    return request;
  }

  return {
    async create(request) {
      const created = await storage(() => client.eval(createScript, 2, requestKey(request.id), pendingKey(request.tenantId),
        JSON.stringify(request), Date.parse(request.expiresAt), request.id)) === 1;
      return { request: (await read(request.id))!, created };
    },
    get: read,
    async listPending(tenantId) {
      const ids = await storage(() => client.zrangebyscore(pendingKey(tenantId), `(${clock().getTime()}`, '+inf'));
      const requests = await Promise.all(ids.map(read));
      return requests
        .filter((request): request is ApprovalRequest => request?.status === 'pending')
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async decide(id, input) {
      const now = clock();
      const request = await read(id);
      const decision = checkDecisionInput(request, input, now);
      const expired = isExpired(request!, now);
      const status = expired ? 'expired' : statusByVerdict[input.decision];
      const resumable = !expired && request!.requestedBy !== undefined;
      const won = await storage(() => client.eval(decideScript, 3, requestKey(id), pendingKey(request!.tenantId), unresumedKey,
        status, expired ? '' : JSON.stringify(decision), id, resumable ? String(Date.parse(decision.decidedAt)) : ''));
      if (won !== 1) throw new AppError('CONFLICT', 'The approval request was decided by someone else');
      if (expired) throw expiredError();
      return (await read(id))!;
    },
    async close(id, input) {
      const request = await read(id);
      if (request === undefined || request.tenantId !== input.tenantId) return undefined;
      const closed = JSON.stringify({ reason: input.reason, at: clock().toISOString() });
      const won = await storage(() => client.eval(closeScript, 2, requestKey(id), pendingKey(request.tenantId), input.status, closed, id));
      return won === 1 ? read(id) : undefined;
    },
    async listUnresumed(limit) {
      const ids = await storage(() => client.zrange(unresumedKey, '0', String(limit - 1)));
      const requests = await Promise.all(ids.map(read));
      return requests.filter((request): request is ApprovalRequest => request !== undefined);
    },
    async markResumed(id) {
      await storage(() => client.zrem(unresumedKey, id));
    },
  };
}

const storage = <T>(work: () => Promise<T>) => guardStorageAsync('The approval store is unavailable', work);
