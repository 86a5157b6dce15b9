import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import { readThreadState, type RunRecord, type ThreadRecord } from '../../runs/index.ts';
import { logError } from '../../observability/index.ts';
import type { Services } from '../../services.ts';
import { approvalIdsIn } from '../../tools/index.ts';
import type { AppEnv } from '../app-env.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { applyApprovalResume } from '../apply-approval-resume.ts';
import { toCreateRequest } from '../routes/runs.ts';
import { runCreateSchema } from '../schemas/run-create.ts';
import { failure, success, type ProtocolCommand, type ProtocolEvent, type ProtocolReply, type ReplyMeta } from './protocol-messages.ts';
import { createRunTranslation } from './protocol-translation.ts';
import { createThreadChannel, type SubscribeOptions, type ThreadChannel } from './thread-channel.ts';

const multitaskStrategies = ['reject', 'rollback', 'interrupt', 'enqueue'] as const;
const sweepEveryMs = 30_000;

export interface ThreadProtocol {
  /** One command of `POST /threads/{id}/commands` (or a WebSocket message). */
  command(c: Context<AppEnv>, threadId: string, command: ProtocolCommand): Promise<ProtocolReply>;
  /** The thread's events matching a filter, replayed from `since` and then live. */
  events(c: Context<AppEnv>, threadId: string, options: SubscribeOptions): Promise<AsyncIterable<ProtocolEvent>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function waitingInterrupts(thread: ThreadRecord | undefined): Array<{ id?: string; value?: unknown }> {
  if (!thread || thread.status !== 'interrupted') return [];
  return Object.values(thread.interrupts ?? {}).flat() as Array<{ id?: string; value?: unknown }>;
}

/**
 * The thread-centric protocol of `client.threads.stream()` over Overseer's runs: `run.start` and
 * `input.respond` create runs through the same path (tenant, scopes, validation, approvals rule)
 * as `POST /threads/{id}/runs`, flagged to stream LangGraph's protocol events; each run's events
 * are relayed into its thread's channel, which numbers them across runs and replays them to
 * every connection. Channels live in this process's memory and are dropped once idle for the
 * run-event retention, like a run's own events.
 */
export function createThreadProtocol(): ThreadProtocol {
  const channels = new Map<string, { channel: ThreadChannel; touched: number }>();
  let lastSweep = Date.now();

  function channelOf(services: Services, tenantId: string, threadId: string): ThreadChannel {
    const now = Date.now();
    const retentionMs = services.config.runs.eventRetentionSeconds * 1_000;
    if (now - lastSweep > sweepEveryMs) {
      lastSweep = now;
      for (const [key, entry] of channels) if (entry.channel.idle() && now - entry.touched > retentionMs) channels.delete(key);
    }
    const key = `${tenantId}\u0000${threadId}`;
    let entry = channels.get(key);
    if (!entry) {
      const channel = createThreadChannel({ bufferLimit: services.config.runs.eventBuffer, rootGraphName: () => channel.assistantId ?? 'root' });
      entry = { channel, touched: now };
      channels.set(key, entry);
    }
    entry.touched = now;
    return entry.channel;
  }

  function meta(channel: ThreadChannel, threadId: string): ReplyMeta {
    return { thread_id: threadId, applied_through_seq: channel.seq };
  }

  /** Relay a run's events into the channel after the runs before it, ending with its lifecycle. */
  function relay(services: Services, channel: ThreadChannel, run: RunRecord) {
    const graphName = services.catalog.get(run.assistant_id)?.graphId ?? run.assistant_id;
    const translation = createRunTranslation(graphName);
    channel.enqueue(async () => {
      channel.push(translation.started());
      try {
        for await (const event of await services.runs.stream(run.tenant_id, run.run_id)) {
          for (const body of translation.translate(event)) channel.push(body);
        }
      } catch (error) {
        logError(`thread protocol: the events of run ${run.run_id} stopped:`, error);
      }
      const [record, thread] = await Promise.all([services.runs.get(run.tenant_id, run.run_id), services.repository.getThread(run.tenant_id, run.thread_id)]);
      // A rolled-back run is gone: what it did was undone, as if interrupted.
      const end = translation.finished(record?.status ?? 'interrupted', waitingInterrupts(thread).length > 0);
      if (end) channel.push(end);
    });
  }

  interface RunParams {
    assistantId: string;
    input?: unknown;
    command?: { resume?: unknown; update?: unknown; goto?: unknown };
    config?: unknown;
    metadata?: unknown;
    multitaskStrategy?: (typeof multitaskStrategies)[number];
  }

  async function startRun(c: Context<AppEnv>, channel: ThreadChannel, threadId: string, thread: ThreadRecord | undefined, params: RunParams) {
    const parsed = runCreateSchema.safeParse({
      assistant_id: params.assistantId,
      ...(params.input === undefined ? {} : { input: params.input }),
      ...(params.command ? { command: params.command } : {}),
      ...(params.config === undefined ? {} : { config: params.config }),
      ...(params.metadata === undefined ? {} : { metadata: params.metadata }),
      // The protocol's default, as the official server's: queue behind a running run.
      multitask_strategy: params.multitaskStrategy ?? 'enqueue',
      ...(thread ? {} : { if_not_exists: 'create' }),
      stream_subgraphs: true,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError('VALIDATION_FAILED', `${issue?.path.join('.') || 'params'}: ${issue?.message ?? 'invalid'}`);
    }
    const { services, caller } = c.var;
    // Decisions for approvals (`input.respond` with `{ decisions }`) follow the approval rules.
    // New input on a thread paused at approvals supersedes them, as on POST /threads/{id}/runs.
    const { request, options } = await applyApprovalResume(services, caller, toCreateRequest(c, parsed.data, threadId));
    const run = await services.runs.create({ ...request, protocol: true }, options);
    channel.currentRunId = run.run_id;
    relay(services, channel, run);
    return run;
  }

  async function runStart(c: Context<AppEnv>, channel: ThreadChannel, threadId: string, command: ProtocolCommand): Promise<ProtocolReply> {
    requireScope(c.var.caller, 'runs:write');
    const params = command.params ?? {};
    const assistantId = typeof params.assistant_id === 'string' ? params.assistant_id : '';
    if (!assistantId) return failure(command.id, 'invalid_argument', 'run.start requires an assistant_id.');
    if (channel.assistantId !== undefined && channel.assistantId !== assistantId) {
      return failure(command.id, 'invalid_argument', `Thread ${threadId} is bound to assistant ${channel.assistantId}; cannot run ${assistantId}.`);
    }
    const thread = await c.var.services.repository.getThread(c.var.caller.tenantId, threadId);
    const waiting = waitingInterrupts(thread);
    // Input to a thread paused at an interrupt is its answer (the protocol's rule), except at
    // approvals: those take decisions, so a message supersedes them (Overseer's rule).
    const resumes = params.input != null && waiting.length > 0 && approvalIdsIn(waiting).length === 0;
    const strategy = params.multitask_strategy ?? params.multitaskStrategy;
    const run = await startRun(c, channel, threadId, thread, {
      assistantId,
      ...(resumes ? { command: { resume: params.input } } : { input: params.input ?? undefined }),
      config: params.config,
      metadata: params.metadata,
      multitaskStrategy: multitaskStrategies.find((known) => known === strategy),
    });
    channel.assistantId = assistantId;
    return success(command.id, { run_id: run.run_id }, meta(channel, threadId));
  }

  async function inputRespond(c: Context<AppEnv>, channel: ThreadChannel, threadId: string, command: ProtocolCommand): Promise<ProtocolReply> {
    requireScope(c.var.caller, 'runs:write');
    const params = command.params ?? {};
    const resume: Record<string, unknown> = {};
    if (Array.isArray(params.responses)) {
      for (const entry of params.responses) {
        if (!isRecord(entry) || typeof entry.interrupt_id !== 'string') return failure(command.id, 'invalid_argument', 'input.respond responses entries require an interrupt_id.');
        resume[entry.interrupt_id] = entry.response;
      }
      if (Object.keys(resume).length === 0) return failure(command.id, 'invalid_argument', 'input.respond requires at least one response.');
    } else if (typeof params.interrupt_id === 'string') {
      resume[params.interrupt_id] = params.response;
    } else {
      return failure(command.id, 'invalid_argument', 'input.respond requires an interrupt_id.');
    }
    const thread = await c.var.services.repository.getThread(c.var.caller.tenantId, threadId);
    const waiting = waitingInterrupts(thread);
    if (!thread || waiting.length === 0) return failure(command.id, 'no_such_run', 'No interrupted run is bound to this thread.');
    const known = new Set(waiting.map((interrupt) => interrupt.id));
    const unknown = Object.keys(resume).filter((id) => !known.has(id));
    if (unknown.length > 0) return failure(command.id, 'no_such_interrupt', `The thread does not wait at interrupt ${unknown.join(', ')}.`);
    // A connection opened after a restart (or a page reload) still knows which assistant runs here.
    const assistantId = channel.assistantId ?? (thread.metadata.assistant_id as string | undefined);
    if (!assistantId) return failure(command.id, 'no_such_run', 'Thread has no assistant yet; call run.start first.');
    await startRun(c, channel, threadId, thread, {
      assistantId,
      command: {
        resume,
        ...(isRecord(params.update) ? { update: params.update } : {}),
        ...(typeof params.goto === 'string' || Array.isArray(params.goto) ? { goto: params.goto } : {}),
      },
      config: params.config,
      metadata: params.metadata,
    });
    channel.assistantId = assistantId;
    return success(command.id, {}, meta(channel, threadId));
  }

  async function stateGet(c: Context<AppEnv>, channel: ThreadChannel, threadId: string, command: ProtocolCommand): Promise<ProtocolReply> {
    requireScope(c.var.caller, 'threads:read');
    const { services, caller } = c.var;
    const thread = await services.repository.getThread(caller.tenantId, threadId);
    if (!thread) throw new AppError('NOT_FOUND', `Thread ${threadId} not found`);
    const graphId = thread.metadata.graph_id as string | undefined;
    const graph = graphId ? services.catalog.get(graphId)?.graph : undefined;
    const state = graph ? await readThreadState(graph, caller.tenantId, threadId, { subgraphs: true }) : undefined;
    const values = (state?.values ?? {}) as Record<string, unknown>;
    const keys = Array.isArray(command.params?.keys) ? command.params.keys.filter((key): key is string => typeof key === 'string') : undefined;
    const checkpoint = state?.checkpoint as { checkpoint_id?: string; checkpoint_ns?: string } | null | undefined;
    return success(command.id, {
      values: keys ? Object.fromEntries(Object.entries(values).filter(([key]) => keys.includes(key))) : values,
      ...(checkpoint?.checkpoint_id ? { checkpoint: { id: checkpoint.checkpoint_id, ...(checkpoint.checkpoint_ns ? { ns: checkpoint.checkpoint_ns } : {}) } } : {}),
    }, meta(channel, threadId));
  }

  return {
    async command(c, threadId, command) {
      const channel = channelOf(c.var.services, c.var.caller.tenantId, threadId);
      switch (command.method) {
        case 'run.start':
          return runStart(c, channel, threadId, command);
        case 'input.respond':
          return inputRespond(c, channel, threadId, command);
        case 'state.get':
          return stateGet(c, channel, threadId, command);
        case 'agent.getTree':
          requireScope(c.var.caller, 'runs:read');
          return success(command.id, { tree: channel.tree() }, meta(channel, threadId));
        case 'subscription.subscribe':
        case 'subscription.unsubscribe':
          return failure(command.id, 'not_supported', 'Over HTTP a subscription is a connection: POST /threads/{thread_id}/stream/events with the filter.', meta(channel, threadId));
        default:
          return failure(command.id, 'unknown_command', `Unknown protocol command: ${command.method}`, meta(channel, threadId));
      }
    },

    async events(c, threadId, options) {
      requireScope(c.var.caller, 'runs:read');
      // Opened before the thread's first run it stays idle until events come, as the protocol
      // says; the channel is the caller's tenant's, so another tenant's thread shows nothing.
      return channelOf(c.var.services, c.var.caller.tenantId, threadId).subscribe(options);
    },
  };
}
