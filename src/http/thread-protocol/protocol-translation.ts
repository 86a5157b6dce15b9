import { toWireValue, type RunEvent, type RunStatus } from '../../runs/index.ts';
import type { Namespace, ProtocolEventBody } from './protocol-messages.ts';

const passedThrough = new Set(['messages', 'tools', 'custom', 'checkpoints', 'tasks']);

function body(method: string, namespace: Namespace, data: unknown, node?: string): ProtocolEventBody {
  return { method, params: { namespace, timestamp: Date.now(), ...(node === undefined ? {} : { node }), data } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The protocol's lifecycle word for a run's status. */
export function lifecycleOf(status: RunStatus): 'running' | 'completed' | 'failed' | 'interrupted' {
  if (status === 'success') return 'completed';
  if (status === 'error' || status === 'timeout') return 'failed';
  if (status === 'interrupted') return 'interrupted';
  return 'running';
}

export interface RunTranslation {
  /** The protocol events one run event stands for (none for `metadata`). */
  translate(event: RunEvent): ProtocolEventBody[];
  /** The root lifecycle event that starts the run. */
  started(): ProtocolEventBody;
  /** The root lifecycle event that ends it, unless a failure already did (`threadWaits`: at an interrupt). */
  finished(status: RunStatus, threadWaits: boolean): ProtocolEventBody | undefined;
}

/**
 * Turns one protocol run's events (LangGraph's `streamEvents` v3 chunks, as the run manager
 * publishes them) into the thread protocol's events, as the official server does: the root
 * lifecycle belongs to the server (started here, ended from the run's recorded outcome);
 * interrupts in `values` or in `updates` from `__interrupt__` become `input.requested` events,
 * once each; a failure ends the root as `failed` with the masked message.
 */
export function createRunTranslation(graphName: string): RunTranslation {
  const requested = new Set<string>();
  let ended = false;

  function inputRequests(namespace: Namespace, interrupts: unknown): ProtocolEventBody[] {
    if (!Array.isArray(interrupts)) return [];
    return interrupts.flatMap((interrupt) => {
      if (!isRecord(interrupt) || typeof interrupt.id !== 'string' || requested.has(interrupt.id)) return [];
      requested.add(interrupt.id);
      return [body('input.requested', namespace, { interrupt_id: interrupt.id, payload: interrupt.value })];
    });
  }

  return {
    started: () => body('lifecycle', [], { event: 'running', graph_name: graphName }),

    finished(status, threadWaits) {
      if (ended) return undefined;
      ended = true;
      let event = lifecycleOf(status);
      if (event === 'running') return undefined;
      if (event === 'completed' && (requested.size > 0 || threadWaits)) event = 'interrupted';
      return body('lifecycle', [], { event, graph_name: graphName });
    },

    translate(event) {
      const [method = '', ...namespace] = event.event.split('|');
      const data = toWireValue(event.data);
      if (method === 'metadata') return [];
      if (method === 'error') {
        ended = true;
        const message = isRecord(data) && typeof data.message === 'string' ? data.message : 'The run failed';
        return [body('lifecycle', [], { event: 'failed', graph_name: graphName, error: message })];
      }
      // The root's lifecycle is the server's own (from the run's outcome); subgraphs' pass.
      if (method === 'lifecycle') return namespace.length === 0 ? [] : [body('lifecycle', namespace, data)];
      if (method === 'values') {
        const { __interrupt__: interrupts, ...values } = isRecord(data) ? data : { __interrupt__: undefined };
        const requests = inputRequests(namespace, interrupts);
        const shown = isRecord(data) ? values : data;
        return isRecord(shown) && Object.keys(shown).length === 0 ? requests : [...requests, body('values', namespace, shown)];
      }
      if (method === 'updates') {
        const update = isRecord(data) ? data : {};
        if (update.node === '__interrupt__') return inputRequests(namespace, update.values);
        return [body('updates', namespace, isRecord(update.values) ? update.values : { value: update.values }, event.node)];
      }
      if (method.startsWith('custom:')) return [body('custom', namespace, { name: method.slice('custom:'.length), payload: data })];
      if (passedThrough.has(method)) return [body(method, namespace, data, event.node)];
      return [];
    },
  };
}
