import { matchesSubscription } from '@langchain/langgraph/stream';
import { AppError } from '../../errors.ts';
import { logError } from '../../observability/index.ts';
import type { EventFilter, Namespace, ProtocolEvent, ProtocolEventBody } from './protocol-messages.ts';

export interface SubscribeOptions {
  filter: EventFilter;
  /** Only events after this `seq` (the SDK's `since`; `Last-Event-ID` gives the same). */
  since?: number;
  signal?: AbortSignal;
}

/** One namespace of the agent tree as `agent.getTree` shows it. */
export interface TreeNode {
  namespace: Namespace;
  status: string;
  graph_name: string;
  children?: TreeNode[];
}

/**
 * One thread's protocol events: numbered across all of the thread's runs (`seq` from 1, as the
 * official server counts), kept in a bounded buffer so every new connection replays what it
 * asks for, and fanned out to live subscribers. It also remembers what the protocol binds to the
 * thread: its assistant and the runs relayed into it, one after another.
 */
export interface ThreadChannel {
  readonly seq: number;
  assistantId?: string;
  /** The last run started through the protocol on this thread. */
  currentRunId?: string;
  push(body: ProtocolEventBody): ProtocolEvent;
  subscribe(options: SubscribeOptions): AsyncIterable<ProtocolEvent>;
  /** Runs `work` after every relay queued before it, so runs' events never interleave. */
  enqueue(work: () => Promise<void>): void;
  tree(): TreeNode;
  /** Nobody listens and nothing is relayed: the channel may be dropped. */
  idle(): boolean;
}

export function createThreadChannel(options: { bufferLimit: number; rootGraphName?: () => string }): ThreadChannel {
  const events: ProtocolEvent[] = [];
  const wake = new Set<() => void>();
  const namespaces = new Map<string, { namespace: Namespace; status: string; graphName: string }>();
  let seq = 0;
  let listeners = 0;
  let relays = 0;
  let chain = Promise.resolve();

  function track(event: ProtocolEvent) {
    const { namespace, data } = event.params;
    const lifecycle = event.method === 'lifecycle' ? (data as { event?: string; graph_name?: string }) : undefined;
    for (let length = 1; length <= namespace.length; length += 1) {
      const prefix = namespace.slice(0, length);
      const key = prefix.join('\u0000');
      if (!namespaces.has(key)) namespaces.set(key, { namespace: prefix, status: 'started', graphName: prefix.at(-1)!.split(':')[0]! });
    }
    if (lifecycle?.event) {
      const key = namespace.join('\u0000');
      const known = namespaces.get(key);
      namespaces.set(key, { namespace, status: lifecycle.event, graphName: lifecycle.graph_name ?? known?.graphName ?? 'root' });
    }
  }

  function treeOf(namespace: Namespace): TreeNode {
    const key = namespace.join('\u0000');
    const node = namespaces.get(key);
    const children = [...namespaces.values()]
      .filter((candidate) => candidate.namespace.length === namespace.length + 1 && namespace.every((segment, index) => candidate.namespace[index] === segment))
      .map((child) => treeOf(child.namespace));
    return {
      namespace,
      status: node?.status ?? 'started',
      graph_name: node?.graphName ?? (namespace.length === 0 ? (options.rootGraphName?.() ?? 'root') : namespace.at(-1)!),
      ...(children.length > 0 ? { children } : {}),
    };
  }

  async function* follow(filter: EventFilter, since: number, signal?: AbortSignal): AsyncGenerator<ProtocolEvent> {
    listeners += 1;
    try {
      let after = since;
      while (!signal?.aborted) {
        const first = events[0]?.seq ?? seq + 1;
        if (after + 1 < first) throw new AppError('EVENTS_EXPIRED', `The events of this thread after ${after} are no longer kept; reconnect to replay what is`);
        const pending = events.slice(after + 1 - first);
        for (const event of pending) {
          after = event.seq;
          if (matchesSubscription(event as never, filter as never)) yield event;
        }
        if (pending.length > 0) continue;
        await new Promise<void>((resolve) => {
          const onAbort = () => resolve();
          signal?.addEventListener('abort', onAbort, { once: true });
          wake.add(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          });
        });
      }
    } finally {
      listeners -= 1;
    }
  }

  return {
    get seq() {
      return seq;
    },
    push(body) {
      seq += 1;
      const event: ProtocolEvent = { type: 'event', event_id: String(seq), seq, ...body };
      events.push(event);
      if (events.length > options.bufferLimit) events.splice(0, events.length - options.bufferLimit);
      track(event);
      for (const resume of wake) resume();
      wake.clear();
      return event;
    },
    subscribe({ filter, since, signal }) {
      const oldest = events[0]?.seq ?? seq + 1;
      // Without `since`, everything still kept. A client that saw more than this thread has (a
      // restarted server), or whose next event was trimmed, cannot be told what it missed: say
      // so before any event instead of skipping silently.
      if (since === undefined) return follow(filter, oldest - 1, signal);
      if (since > seq || since + 1 < oldest) {
        throw new AppError('EVENTS_EXPIRED', `The events of this thread after ${since} are no longer kept; read the thread's state instead`);
      }
      return follow(filter, since, signal);
    },
    enqueue(work) {
      relays += 1;
      chain = chain
        .then(work)
        .catch((error: unknown) => logError('thread protocol: relaying a run failed:', error))
        .finally(() => {
          relays -= 1;
        });
    },
    tree: () => treeOf([]),
    idle: () => listeners === 0 && relays === 0,
  };
}
