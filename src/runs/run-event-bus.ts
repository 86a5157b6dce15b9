import { AppError } from '../errors.ts';
import type { RunFence } from '../storage/index.ts';
import type { RunEvent } from './run-event.ts';

/**
 * A run event with its place in the run: ids start at 0 and increase by one, as the official
 * LangGraph server numbers them, so `Last-Event-ID: -1` means "from the first event".
 */
export interface SequencedRunEvent extends RunEvent {
  id: number;
}

export interface SubscribeOptions {
  /** Replay only events after this id (the `Last-Event-ID` a client reconnects with; -1: all). */
  after?: number;
  signal?: AbortSignal;
}

/**
 * Carries a run's events from the process executing it to every client streaming it,
 * with a bounded replay buffer so a reconnecting client gets exactly what it missed.
 */
export interface RunEventBus {
  publish(runId: string, event: RunEvent): SequencedRunEvent;
  /**
   * Publish from the process that created the run, before any worker executes it (its
   * `metadata`, then its queued status): false, and nothing written, once a worker claimed the
   * run or its stream ended. On a bus shared by processes the check and the write are one step,
   * so these events never interleave with the worker's.
   */
  publishUnclaimed(runId: string, event: RunEvent): Promise<boolean>;
  /** No more events will come; subscribers finish after draining. */
  end(runId: string): void;
  subscribe(runId: string, options?: SubscribeOptions): AsyncIterable<SequencedRunEvent>;
  /** Whether the bus holds (or held recently) this run's events. */
  has(runId: string): boolean | Promise<boolean>;
  /**
   * Before a worker publishes a run's events (a bus shared by processes): continue the run's
   * numbering after the events already written, and write only while `fence` is current.
   */
  attach?(runId: string, fence?: RunFence): Promise<void>;
  /** Resolves once the run's published events are written; rejects if a write was refused. */
  flush?(runId: string): Promise<void>;
  close(): void;
}

interface Channel {
  events: SequencedRunEvent[];
  nextId: number;
  ended: boolean;
  wake: Set<() => void>;
  expiry?: NodeJS.Timeout;
}

export interface InProcessEventBusOptions {
  /** Events kept per run for replay; older ones are dropped first. */
  bufferLimit?: number;
  /** How long a finished run's events stay available for late joiners. */
  retentionMs?: number;
}

/**
 * The single-process bus: a bounded buffer per run and waiters woken on publish.
 * @example const bus = createInProcessEventBus({ bufferLimit: 10_000, retentionMs: 600_000 });
 */
export function createInProcessEventBus(options: InProcessEventBusOptions = {}): RunEventBus {
  const bufferLimit = options.bufferLimit ?? 10_000;
  const retentionMs = options.retentionMs ?? 600_000;
  const channels = new Map<string, Channel>();

  function channelOf(runId: string): Channel {
    let channel = channels.get(runId);
    if (!channel) {
      channel = { events: [], nextId: 0, ended: false, wake: new Set() };
      channels.set(runId, channel);
    }
    return channel;
  }

  function wakeAll(channel: Channel) {
    for (const wake of channel.wake) wake();
    channel.wake.clear();
  }

  function publish(runId: string, event: RunEvent): SequencedRunEvent {
    const channel = channelOf(runId);
    const sequenced = { ...event, id: channel.nextId };
    channel.nextId += 1;
    channel.events.push(sequenced);
    if (channel.events.length > bufferLimit) channel.events.splice(0, channel.events.length - bufferLimit);
    wakeAll(channel);
    return sequenced;
  }

  return {
    publish,
    async publishUnclaimed(runId, event) {
      // One process: the run manager knows whether the run started and asks only before it did.
      if (channels.get(runId)?.ended) return false;
      publish(runId, event);
      return true;
    },
    end(runId) {
      const channel = channelOf(runId);
      channel.ended = true;
      wakeAll(channel);
      channel.expiry = setTimeout(() => channels.delete(runId), retentionMs);
      channel.expiry.unref();
    },
    has(runId) {
      return channels.has(runId);
    },
    async *subscribe(runId, subscribeOptions = {}) {
      const channel = channelOf(runId);
      let after = subscribeOptions.after ?? -1;
      const signal = subscribeOptions.signal;
      const oldestKept = channel.events[0]?.id ?? channel.nextId;
      // Replaying from after a gap would silently skip events the client never saw.
      if (after + 1 < oldestKept) throw eventsExpired(runId, after);
      while (!signal?.aborted) {
        // Ids are contiguous, so the events after `after` start at a computable index.
        const firstId = channel.events[0]?.id ?? channel.nextId;
        const pending = channel.events.slice(Math.max(0, after + 1 - firstId));
        for (const event of pending) {
          yield event;
          after = event.id;
        }
        if (pending.length > 0) continue;
        if (channel.ended) return;
        await new Promise<void>((resolve) => {
          const onAbort = () => resolve();
          signal?.addEventListener('abort', onAbort, { once: true });
          channel.wake.add(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          });
        });
      }
    },
    close() {
      for (const channel of channels.values()) {
        clearTimeout(channel.expiry);
        channel.ended = true;
        wakeAll(channel);
      }
      channels.clear();
    },
  };
}

/** The events a client asked to resume from are no longer kept (buffer limit or retention). */
export function eventsExpired(runId: string, after: number): AppError {
  return new AppError(
    'EVENTS_EXPIRED',
    `The events of run ${runId} after id ${after} are no longer kept (RUN_EVENT_BUFFER / RUN_EVENT_RETENTION_SECONDS); read the run or the thread's state instead`,
  );
}
