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

function checkpoint(statement: ReturnType<DatabaseSync['prepare']>): void {
  try {
    statement.get();
  } catch (error) {
    parentPort?.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

const timer = setInterval(() => checkpoint(passive), intervalMs);

parentPort?.on('message', (message: { type: string }) => {
  if (message.type !== 'stop') return;
  clearInterval(timer);
  // On shutdown, fold everything in and shrink the WAL file back to nothing.
  checkpoint(database.prepare('PRAGMA wal_checkpoint(TRUNCATE)'));
  database.close();
  parentPort?.close();
});
