import { isAppError } from '../../errors.ts';
import { defaultLogger } from '../../observability/index.ts';
import type { CreateRunRequest, RunManager } from '../run-manager.ts';
import type { CronRecord } from './cron-record.ts';
import type { CronRepository } from './cron-repository.ts';

/** Run metadata keys a cron's runs carry, so a client tells which cron and which tick made each run. */
export const cronRunMetadataKeys = { cronId: 'cron_id', scheduledAt: 'cron_scheduled_at' } as const;

/** The run one tick of `cron` creates: the cron's payload, as its tenant, with the authority stored on it. */
export function runRequestOf(cron: CronRecord, scheduledAt: Date): CreateRunRequest {
  const { payload } = cron;
  return {
    tenantId: cron.tenant_id,
    scopes: cron.run_as.scopes ?? undefined,
    threadId: cron.thread_id ?? undefined,
    assistantId: payload.assistant_id,
    input: payload.input ?? undefined,
    config: payload.config,
    context: payload.context,
    metadata: { ...payload.metadata, [cronRunMetadataKeys.cronId]: cron.cron_id, [cronRunMetadataKeys.scheduledAt]: scheduledAt.toISOString() },
    streamMode: payload.stream_mode,
    subgraphs: payload.stream_subgraphs,
    interruptBefore: payload.interrupt_before,
    interruptAfter: payload.interrupt_after,
    webhook: payload.webhook,
    multitaskStrategy: payload.multitask_strategy,
    // A stateless cron's tick runs on a thread of its own, deleted at the end unless the cron keeps them.
    onCompletion: cron.thread_id === null ? (cron.on_run_completed ?? 'delete') : undefined,
    durability: payload.durability,
    actor: cron.run_as.actor,
    callerId: cron.run_as.caller_id,
  };
}

export type CronTickOutcome =
  | { fired: true; runId: string }
  /** `gone`: the cron (or the thread or assistant it runs on) no longer exists; its schedule should go too. */
  | { fired: false; reason: 'gone' | 'disabled' | 'refused' };

export interface CronTickDependencies {
  runs: Pick<RunManager, 'create'>;
  repository: CronRepository;
}

/** Refusals that a later attempt may not meet: thrown back, so a queue retries the tick (or another replica takes it). */
const transientCodes = new Set(['SERVER_DRAINING', 'STORAGE_ERROR', 'UPSTREAM_UNAVAILABLE']);

/**
 * Fire one tick of a cron: create its run through the run manager, as a request would. A
 * refusal the run manager gives a request (the thread busy under `reject`, the tenant's run
 * limit) skips this tick only; a thread or assistant deleted since deletes the cron, which can
 * never fire again (as the LangGraph API deletes a thread's crons with it).
 */
export function createCronTicker(dependencies: CronTickDependencies) {
  const { repository, runs } = dependencies;
  const logger = () => defaultLogger();
  return {
    async fire(tenantId: string, cronId: string, scheduledAt: Date): Promise<CronTickOutcome> {
      const cron = await repository.get(tenantId, cronId);
      if (!cron) return { fired: false, reason: 'gone' };
      if (!cron.enabled) return { fired: false, reason: 'disabled' };
      try {
        const run = await runs.create(runRequestOf(cron, scheduledAt));
        logger().info({ cron_id: cronId, run_id: run.run_id, thread_id: run.thread_id, tenant: tenantId, scheduled_at: scheduledAt.toISOString() }, 'cron tick fired');
        return { fired: true, runId: run.run_id };
      } catch (error) {
        if (!isAppError(error) || transientCodes.has(error.code)) throw error;
        if (error.code === 'NOT_FOUND') {
          await repository.delete(tenantId, cronId);
          logger().warn({ cron_id: cronId, tenant: tenantId, reason: error.message }, 'cron deleted: what it runs on is gone');
          return { fired: false, reason: 'gone' };
        }
        logger().warn({ cron_id: cronId, tenant: tenantId, code: error.code, reason: error.message, scheduled_at: scheduledAt.toISOString() }, 'cron tick skipped: its run was refused');
        return { fired: false, reason: 'refused' };
      }
    },
  };
}

export type CronTicker = ReturnType<typeof createCronTicker>;
