/**
 * Worker thread body for `startWalCheckpointer`: copies committed WAL frames into the database
 * file on its own connection, so the serving thread never pays for checkpoints (and their
 * fsyncs) inside a commit. Imports only Node built-ins so it runs without a TypeScript loader.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

interface CheckpointWorkerData {
  file: string;
  intervalMs: number;
}

const { file, intervalMs } = workerData as CheckpointWorkerData;
const database = new DatabaseSync(file);
// Short: a checkpoint that cannot get its lock now simply runs on the next tick.
database.exec('PRAGMA busy_timeout = 100');
// PASSIVE never blocks the serving connection's readers or writers; it copies what it can.
const passive = database.prepare('PRAGMA wal_checkpoint(PASSIVE)');

/** Longest pause while nothing is written: an idle server wakes this thread once a second. */
const idleIntervalMs = 1_000;

interface CheckpointResult {
  busy: number;
  /** Frames in the WAL. */
  log: number;
  /** Frames of the WAL already copied into the database file. */
  checkpointed: number;
}

function checkpoint(statement: ReturnType<DatabaseSync['prepare']>): CheckpointResult | undefined {
  try {
    return statement.get() as unknown as CheckpointResult;
  } catch (error) {
    parentPort?.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

// Every `intervalMs` while commits arrive; the pause doubles (up to a second) while the WAL
// stays as it was, and drops back at the first new frame.
let delay = intervalMs;
let lastLog = -1;
let timer: ReturnType<typeof setTimeout>;
function tick(): void {
  const result = checkpoint(passive);
  const unchanged = result !== undefined && result.log === lastLog && result.checkpointed === result.log;
  lastLog = result?.log ?? -1;
  delay = unchanged ? Math.min(delay * 2, Math.max(intervalMs, idleIntervalMs)) : intervalMs;
  timer = setTimeout(tick, delay);
}
timer = setTimeout(tick, intervalMs);

parentPort?.on('message', (message: { type: string }) => {
  if (message.type !== 'stop') return;
  clearTimeout(timer);
  // On shutdown, fold everything in and shrink the WAL file back to nothing.
  checkpoint(database.prepare('PRAGMA wal_checkpoint(TRUNCATE)'));
  database.close();
  parentPort?.close();
});
