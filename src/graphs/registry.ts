import type { GraphDependencies } from './graph-dependencies.ts';
import { createExecutorGraph } from './executor.ts';
import { createRetrieverGraph } from './retriever.ts';
import { createReviewerGraph } from './reviewer.ts';
import { createSupervisorGraph } from './supervisor.ts';

/** Graph name → factory: what the server and `langgraph.json` load. */
export const graphFactories = {
  supervisor: (dependencies: GraphDependencies) => createSupervisorGraph(dependencies),
  retriever: (dependencies: GraphDependencies) => createRetrieverGraph(dependencies),
  executor: (dependencies: GraphDependencies) => createExecutorGraph(dependencies),
  reviewer: (dependencies: GraphDependencies) => createReviewerGraph(dependencies),
} as const;

export type GraphName = keyof typeof graphFactories;
export type CompiledGraphs = { [Name in GraphName]: ReturnType<(typeof graphFactories)[Name]> };

export const graphNames = Object.keys(graphFactories) as GraphName[];

/** Build every graph with the same dependencies. */
export function createGraphs(dependencies: GraphDependencies): CompiledGraphs {
  return {
    supervisor: graphFactories.supervisor(dependencies),
    retriever: graphFactories.retriever(dependencies),
    executor: graphFactories.executor(dependencies),
    reviewer: graphFactories.reviewer(dependencies),
  };
}
