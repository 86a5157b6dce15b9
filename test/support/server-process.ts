import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `node --import tsx src/server.ts` as `npm start` runs it, on its own port and data directory. */
export function startServer(environment: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: repositoryRoot,
    // SHUTDOWN_GRACE_SECONDS 0: a test's SIGTERM interrupts the runs in flight at once instead of draining them.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LANGGRAPH_CONFIG: 'test/fixtures/langgraph.json', SHUTDOWN_GRACE_SECONDS: '0', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Wait until the server has printed `text` (by default, that it listens); fail if it exits first. */
export async function printed(server: ServerProcess, text = 'Overseer listening'): Promise<void> {
  const ready = new Promise<void>((resolve) => {
    const check = () => (server.stdout().includes(text) ? resolve() : undefined);
    server.child.stdout?.on('data', check);
    check();
  });
  const died = server.exited.then((code) => {
    throw new Error(`server exited with ${code}: ${server.stderr()}`);
  });
  await Promise.race([ready, died]);
}


/** Stop a server that is still running (SIGTERM, its graceful shutdown) and wait for it. */
export async function stopServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  await server.exited;
}
