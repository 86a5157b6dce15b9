import { createTenantCheckpointer } from '../checkpoint/index.ts';
import type { AnyCompiledGraph } from '../graphs/index.ts';
import { toWireValue } from './to-wire-json.ts';

interface Snapshot {
  values: unknown;
  next: string[];
  tasks: Array<{ id: string; name: string; error?: unknown; interrupts?: unknown[]; path?: unknown; state?: unknown; result?: unknown }>;
  metadata?: unknown;
  createdAt?: string;
  config?: { configurable?: Record<string, unknown> };
  parentConfig?: { configurable?: Record<string, unknown> };
}

export interface CheckpointReference {
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string;
  checkpoint_map: Record<string, unknown> | null;
}

export function checkpointOf(config: Snapshot['config']): CheckpointReference | null {
  const configurable = config?.configurable;
  if (!configurable?.thread_id || !configurable.checkpoint_id) return null;
  return {
    thread_id: String(configurable.thread_id),
    checkpoint_ns: String(configurable.checkpoint_ns ?? ''),
    checkpoint_id: String(configurable.checkpoint_id),
    checkpoint_map: (configurable.checkpoint_map as Record<string, unknown> | undefined) ?? null,
  };
}

/**
 * A failed task's error as the API's string: read back from a checkpoint it is a plain
 * `{ name, message }` (which `String()` turned into "[object Object]"). An `AppError`'s message is
 * written for clients; any other error shows only its kind, never its raw text.
 */
function taskErrorText(error: unknown): string | null {
  if (!error) return null;
  if (typeof error === 'string') return error;
  const { name, message } = error as { name?: unknown; message?: unknown };
  if (name === 'AppError' && typeof message === 'string') return message;
  return typeof name === 'string' && name ? name : 'Error';
}

function isSnapshot(value: unknown): value is Snapshot {
  return typeof value === 'object' && value !== null && 'values' in value && 'next' in value;
}

/** A LangGraph `StateSnapshot` in the LangGraph API's `ThreadState` shape (plain JSON). */
export function toThreadState(snapshot: Snapshot): Record<string, unknown> {
  const tasks = snapshot.tasks.map((task) => ({
    id: task.id,
    name: task.name,
    error: taskErrorText(task.error),
    interrupts: task.interrupts ?? [],
    path: task.path ?? null,
    checkpoint: task.state && !isSnapshot(task.state) ? ((task.state as Snapshot['config'])?.configurable ?? null) : null,
    state: isSnapshot(task.state) ? toThreadState(task.state) : null,
    result: task.result ?? null,
  }));
  return toWireValue({
    values: snapshot.values ?? {},
    next: snapshot.next ?? [],
    tasks,
    metadata: snapshot.metadata ?? null,
    created_at: snapshot.createdAt ?? null,
    checkpoint: checkpointOf(snapshot.config),
    parent_checkpoint: checkpointOf(snapshot.parentConfig),
    interrupts: tasks.flatMap((task) => task.interrupts),
  });
}

export const emptyThreadState = {
  values: {},
  next: [],
  tasks: [],
  metadata: null,
  created_at: null,
  checkpoint: null,
  parent_checkpoint: null,
  interrupts: [],
};

/**
 * The graph reading through a view of its checkpointer fixed to one tenant. LangGraph reads a
 * subgraph task's state (`subgraphs: true`) with a config it builds from the thread id alone,
 * which would reach the default tenant's thread of that id.
 */
function graphOfTenant(graph: AnyCompiledGraph, tenantId: string): AnyCompiledGraph {
  if (!graph.checkpointer || typeof graph.checkpointer !== 'object') return graph;
  const scoped = graph.withConfig({});
  scoped.checkpointer = createTenantCheckpointer(graph.checkpointer, tenantId);
  return scoped;
}

/** The tenant's thread's state now, or at a checkpoint (time travel). */
export async function readThreadState(
  graph: AnyCompiledGraph,
  tenantId: string,
  threadId: string,
  options: { checkpointId?: string; checkpointNs?: string; subgraphs?: boolean } = {},
) {
  const configurable: Record<string, unknown> = { thread_id: threadId, tenant_id: tenantId, checkpoint_ns: options.checkpointNs ?? '' };
  if (options.checkpointId) configurable.checkpoint_id = options.checkpointId;
  const reader = options.subgraphs ? graphOfTenant(graph, tenantId) : graph;
  const snapshot = (await reader.getState({ configurable }, { subgraphs: options.subgraphs ?? false })) as Snapshot;
  return toThreadState(snapshot);
}

/** The tenant's thread's states, newest first, as `GET /threads/{id}/history` returns. */
export async function readThreadHistory(
  graph: AnyCompiledGraph,
  tenantId: string,
  threadId: string,
  options: { limit: number; before?: string; metadata?: Record<string, unknown>; checkpointNs?: string },
) {
  const states: Array<Record<string, unknown>> = [];
  const history = graph.getStateHistory(
    { configurable: { thread_id: threadId, tenant_id: tenantId, checkpoint_ns: options.checkpointNs ?? '' } },
    {
      limit: options.limit,
      before: options.before ? { configurable: { checkpoint_id: options.before } } : undefined,
      filter: options.metadata,
    },
  ) as AsyncIterable<Snapshot>;
  for await (const snapshot of history) states.push(toThreadState(snapshot));
  return states;
}
