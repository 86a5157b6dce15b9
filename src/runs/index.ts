export { streamGraphRun, type GraphRunRequest } from './stream-graph-run.ts';
export { streamModes, type RunEvent, type StreamMode } from './run-event.ts';
export { toWireJson, toWireValue } from './to-wire-json.ts';
export { streamStatelessRun, waitStatelessRun, type StatelessRunOptions } from './stateless-run.ts';
