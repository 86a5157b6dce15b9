import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteCheckpointSaver } from '../../src/checkpoint/index.ts';
import { openDatabase } from '../../src/storage/index.ts';
import { graph } from '../fixtures/trivial-graph.ts';

type Graph = typeof graph;

/** One row of the floor: LangGraph alone running the trivial graph in this process. */
export interface GraphFloorRow {
  /** `stateless`: without a checkpointer; `thread`: the SQLite checkpointer, a thread per caller. */
  kind: 'stateless' | 'thread';
  callers: number;
  runs: number;
  runsPerSecond: number;
  /** CPU of this process's main thread per run (process.threadCpuUsage). */
  cpuMsPerRun: number;
}

function withCheckpointer(checkpointer: SqliteCheckpointSaver | false): Graph {
  const copy = graph.withConfig({}) as Graph;
  copy.checkpointer = checkpointer;
  return copy;
}

async function oneRun(subject: Graph, threadId?: string): Promise<void> {
  const stream = await subject.stream({ text: 'hello' }, {
    streamMode: ['values'],
    ...(threadId ? { configurable: { thread_id: threadId } } : {}),
  });
  let last: unknown;
  for await (const chunk of stream) last = chunk;
  if (!JSON.stringify(last).includes('HELLO!')) throw new Error(`unexpected result: ${JSON.stringify(last)}`);
}

async function measure(subject: Graph, concurrency: number, runs: number, onThreads: boolean) {
  const threads = Array.from({ length: concurrency }, (_, index) => (onThreads ? `floor-${concurrency}-${index}` : undefined));
  for (let warmup = 0; warmup < 100; warmup += 1) await oneRun(subject, threads[0]);
  let next = 0;
  const cpuBefore = process.threadCpuUsage();
  const started = performance.now();
  await Promise.all(threads.map(async (threadId) => {
    while (next < runs) {
      next += 1;
      await oneRun(subject, threadId);
    }
  }));
  const seconds = (performance.now() - started) / 1_000;
  const cpu = process.threadCpuUsage(cpuBefore);
  return { runsPerSecond: runs / seconds, cpuMsPerRun: (cpu.user + cpu.system) / 1_000 / runs };
}

/**
 * What LangGraph itself costs on this machine: the runs bench's trivial two-node graph streamed
 * in-process (no HTTP, no run manager, no audit) by 1 and 20 concurrent callers, without a
 * checkpointer and with the SQLite checkpointer on a thread per caller. No server built on
 * LangGraph.js runs this graph on one thread for less.
 */
export async function measureGraphFloor(options: { kinds?: Array<'stateless' | 'thread'>; scale?: number } = {}): Promise<GraphFloorRow[]> {
  const directory = mkdtempSync(path.join(tmpdir(), 'overseer-bench-floor-'));
  const checkpointer = new SqliteCheckpointSaver({ database: openDatabase(path.join(directory, 'floor.db'), { vectors: false }) });
  const rows: GraphFloorRow[] = [];
  try {
    for (const [kind, subject, onThreads] of [
      ['stateless', withCheckpointer(false), false],
      ['thread', withCheckpointer(checkpointer), true],
    ] as const) {
      if (options.kinds && !options.kinds.includes(kind)) continue;
      for (const [callers, baseRuns] of [[1, 1_000], [20, 3_000]] as const) {
        const runs = Math.round(baseRuns * (options.scale ?? 1));
        rows.push({ kind, callers, runs, ...(await measure(subject, callers, runs, onThreads)) });
      }
    }
  } finally {
    checkpointer.database.close();
    rmSync(directory, { recursive: true, force: true });
  }
  return rows;
}
