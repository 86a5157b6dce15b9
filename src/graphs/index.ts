export { createSupervisorGraph, type SupervisorGraphOptions } from './supervisor.ts';
export { createRetrieverGraph, type RetrieverGraphOptions } from './retriever.ts';
export { createExecutorGraph, type ExecutorGraphOptions } from './executor.ts';
export { createReviewerGraph } from './reviewer.ts';
export { createGraphs, graphFactories, graphNames, isGraphName, type GraphName, type CompiledGraphs } from './registry.ts';
export { defaultGraphLimits, type GraphDependencies, type GraphLimits, type ExecutionSafety } from './graph-dependencies.ts';
export { handoffSchema, specialistNames, type Handoff, type Step, type SpecialistName, type Citation, type ActionRecord } from './handoff.ts';
export { SupervisorState, RetrieverState, ExecutorState, ReviewerState, type RunResult } from './state.ts';
export { readRunContext, defaultTenantId, type RunContext } from './run-context.ts';
