/**
 * The graphs as `langgraph.json` (and so `langgraph dev` / LangGraph Studio) loads them:
 * built on the embedded defaults from the same configuration the server reads, so they
 * load with no services running. The LangGraph dev server supplies its own checkpointer.
 */
import { loadConfig } from './config.ts';
import { createServices } from './services.ts';

// This process only hands graphs to `langgraph dev`; the server beside it may be running runs.
const services = await createServices(loadConfig(), { recoverRuns: false });

export const supervisor = services.graphs.supervisor;
export const retriever = services.graphs.retriever;
export const executor = services.graphs.executor;
export const reviewer = services.graphs.reviewer;
