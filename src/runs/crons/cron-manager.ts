import { v7 as uuid7 } from '@langchain/core/utils/uuid';
import { AppError } from '../../errors.ts';
import type { CronAuthority, CronFilter, CronPatch, CronPayload, CronRecord, CronSearch } from './cron-record.ts';
import type { CronRepository } from './cron-repository.ts';
import type { CronScheduler } from './cron-scheduler.ts';
import { assertValidSchedule, nextTickAfter } from './cron-schedule.ts';
import { narrowScopes } from './narrow-scopes.ts';

export interface NewCron {
  tenantId: string;
  /** Absent: a stateless cron (a new thread per tick). */
  threadId?: string;
  schedule: string;
  timezone?: string | null;
  endTime?: string | null;
  enabled?: boolean;
  onRunCompleted?: 'delete' | 'keep';
  payload: CronPayload;
  metadata?: Record<string, unknown>;
  userId?: string;
  runAs: CronAuthority;
}

export interface CronUpdate {
  schedule?: string;
  timezone?: string | null;
  /** null clears it. */
  endTime?: string | null;
  enabled?: boolean;
  onRunCompleted?: 'delete' | 'keep';
  /** Fields of the run payload to replace; the others stay. */
  payload?: Partial<Omit<CronPayload, 'assistant_id'>>;
  metadata?: Record<string, unknown>;
  /** Whoever updates it: the cron's scopes become those both it and the updater hold. */
  updatedBy: Pick<CronAuthority, 'scopes'>;
}

export interface CronManagerDependencies {
  repository: CronRepository;
  scheduler: CronScheduler;
  clock?: () => Date;
  newId?: () => string;
}

export interface CronManager {
  create(request: NewCron): Promise<CronRecord>;
  get(tenantId: string, cronId: string): Promise<CronRecord>;
  update(tenantId: string, cronId: string, update: CronUpdate): Promise<CronRecord>;
  delete(tenantId: string, cronId: string): Promise<void>;
  search(tenantId: string, search: CronSearch): Promise<CronRecord[]>;
  count(tenantId: string, filter: CronFilter): Promise<number>;
  /** Delete a thread's crons with it (as the LangGraph API does); how many there were. */
  deleteThreadCrons(tenantId: string, threadId: string): Promise<number>;
  /** Begin firing ticks in this process (the embedded scheduler re-arms stored crons). */
  start(): Promise<void>;
  close(): Promise<void>;
}

const withoutUndefined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;

/**
 * Owns the crons of every tenant: validates schedules (422 for one that cannot fire), keeps the
 * stored record and its scheduler in step, and answers reads. A cron of another tenant is
 * simply not found. The HTTP layer checks the run payload and scopes before asking.
 * @example const crons = createCronManager({ repository, scheduler });
 */
export function createCronManager(dependencies: CronManagerDependencies): CronManager {
  const { repository, scheduler } = dependencies;
  const clock = dependencies.clock ?? (() => new Date());
  const newId = dependencies.newId ?? (() => uuid7());

  const nextRunDateOf = (cron: Pick<CronRecord, 'enabled' | 'schedule' | 'timezone' | 'end_time'>) =>
    cron.enabled ? (nextTickAfter(cron.schedule, clock(), { timezone: cron.timezone, endTime: cron.end_time })?.toISOString() ?? null) : null;

  async function find(tenantId: string, cronId: string): Promise<CronRecord> {
    const cron = await repository.get(tenantId, cronId);
    if (!cron) throw new AppError('NOT_FOUND', `Cron ${cronId} not found`);
    return cron;
  }

  return {
    async create(request) {
      assertValidSchedule(request.schedule, { timezone: request.timezone, endTime: request.endTime });
      const now = clock().toISOString();
      const metadata = request.metadata ?? {};
      const cron: CronRecord = {
        cron_id: newId(),
        tenant_id: request.tenantId,
        assistant_id: request.payload.assistant_id,
        thread_id: request.threadId ?? null,
        schedule: request.schedule,
        timezone: request.timezone ?? null,
        end_time: request.endTime ? new Date(request.endTime).toISOString() : null,
        enabled: request.enabled ?? true,
        on_run_completed: request.threadId === undefined ? (request.onRunCompleted ?? 'delete') : null,
        payload: { ...withoutUndefined(request.payload), assistant_id: request.payload.assistant_id, metadata },
        metadata,
        user_id: request.userId ?? null,
        created_at: now,
        updated_at: now,
        next_run_date: null,
        run_as: request.runAs,
      };
      cron.next_run_date = nextRunDateOf(cron);
      await repository.put(cron);
      try {
        await scheduler.schedule(cron);
      } catch (error) {
        // No cron on record that would never fire.
        await repository.delete(cron.tenant_id, cron.cron_id).catch(() => undefined);
        throw error;
      }
      return cron;
    },

    get: find,

    async update(tenantId, cronId, update) {
      const current = await find(tenantId, cronId);
      const schedule = update.schedule ?? current.schedule;
      const timezone = update.timezone === undefined ? current.timezone : update.timezone;
      const endTime = update.endTime === undefined ? current.end_time : update.endTime && new Date(update.endTime).toISOString();
      assertValidSchedule(schedule, { timezone, endTime });
      const payload: CronPayload = { ...current.payload, ...withoutUndefined(update.payload ?? {}) };
      if (update.metadata !== undefined) payload.metadata = update.metadata;
      const patch: CronPatch = {
        schedule,
        timezone,
        end_time: endTime ?? null,
        payload,
        run_as: { ...current.run_as, scopes: narrowScopes(current.run_as.scopes, update.updatedBy.scopes) },
        ...(update.enabled === undefined ? {} : { enabled: update.enabled }),
        ...(update.metadata === undefined ? {} : { metadata: update.metadata }),
        ...(update.onRunCompleted === undefined || current.thread_id !== null ? {} : { on_run_completed: update.onRunCompleted }),
      };
      patch.next_run_date = nextRunDateOf({ ...current, ...patch } as CronRecord);
      const updated = await repository.update(tenantId, cronId, patch);
      if (!updated) throw new AppError('NOT_FOUND', `Cron ${cronId} not found`);
      await scheduler.schedule(updated);
      return updated;
    },

    async delete(tenantId, cronId) {
      const cron = await find(tenantId, cronId);
      // Schedule first: a failure leaves the cron listed (and deletable again), never a schedule without a cron.
      await scheduler.unschedule(cron);
      await repository.delete(tenantId, cronId);
    },

    async deleteThreadCrons(tenantId, threadId) {
      const crons = await repository.search(tenantId, { threadId, limit: 100_000, offset: 0, sortBy: 'cron_id', sortOrder: 'asc' });
      for (const cron of crons) {
        await scheduler.unschedule(cron);
        await repository.delete(tenantId, cron.cron_id);
      }
      return crons.length;
    },

    search: (tenantId, search) => repository.search(tenantId, search),
    count: (tenantId, filter) => repository.count(tenantId, filter),
    start: () => scheduler.start(),
    close: () => scheduler.close(),
  };
}
