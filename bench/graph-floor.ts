/**
 * What LangGraph itself costs on this machine: the runs bench's trivial two-node graph streamed
 * in-process (no HTTP, no run manager, no audit), by 1 and 20 concurrent callers, without a
 * checkpointer and with the SQLite checkpointer on a thread per caller. No server built on
 * LangGraph.js can run this graph faster than this on one thread, so it is the ceiling to read
 * `npm run bench:runs` against (which measures it again in its own run).
 *
 *   npm run bench:graph-floor
 */
import { measureGraphFloor } from './support/measure-graph-floor.ts';

const labels = { stateless: 'without checkpointer', thread: 'SQLite, on threads' };
console.log('graph run in-process     callers   runs   runs/s   CPU ms/run');
for (const row of await measureGraphFloor()) {
  console.log(`${labels[row.kind].padEnd(24)} ${String(row.callers).padStart(7)} ${String(row.runs).padStart(6)} ${row.runsPerSecond.toFixed(1).padStart(8)} ${row.cpuMsPerRun.toFixed(3).padStart(12)}`);
}
