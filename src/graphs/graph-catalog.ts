import { v5 as uuid5 } from '@langchain/core/utils/uuid';
import type { BaseCheckpointSaver, BaseStore } from '@langchain/langgraph';

/** The namespace the LangGraph API derives assistant ids from, so ids match `langgraph dev`. */
const assistantNamespace = '6ba7b821-9dad-11d1-80b4-00c04fd430c8';

// Any compiled LangGraph graph; the catalog serves graphs it did not build.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCompiledGraph = any;

export interface GraphEntry {
  graphId: string;
  /** The default assistant of the graph: uuid5(graphId), as the LangGraph API names it. */
  assistantId: string;
  graph: AnyCompiledGraph;
  description?: string;
}

export interface GraphCatalog {
  /** By assistant id or graph name. */
  get(assistantOrGraphId: string): GraphEntry | undefined;
  list(): GraphEntry[];
}

export function assistantIdOf(graphId: string): string {
  return uuid5(graphId, assistantNamespace);
}

/**
 * A catalog over compiled graphs. Each graph is given the service's checkpointer and store
 * (as `langgraph dev` does), so threads persist wherever the service keeps them.
 */
export function createGraphCatalog(
  graphs: Record<string, AnyCompiledGraph>,
  options: { checkpointer?: BaseCheckpointSaver; store?: BaseStore; descriptions?: Record<string, string> } = {},
): GraphCatalog {
  const entries = Object.entries(graphs).map(([graphId, graph]) => {
    if (options.checkpointer) graph.checkpointer = options.checkpointer;
    if (options.store) graph.store = options.store;
    return { graphId, assistantId: assistantIdOf(graphId), graph, description: options.descriptions?.[graphId] };
  });
  const byKey = new Map<string, GraphEntry>();
  for (const entry of entries) {
    byKey.set(entry.graphId, entry);
    byKey.set(entry.assistantId, entry);
  }
  return { get: (key) => byKey.get(key), list: () => entries };
}
