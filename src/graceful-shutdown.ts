import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Services } from './services.ts';

export interface DrainOptions {
  services: Pick<Services, 'config' | 'readiness' | 'runs' | 'close'>;
  server: Server;
  /** How long the runs in flight may take to finish (`SHUTDOWN_GRACE_SECONDS`). */
  graceSeconds: number;
  signal: string;
  log?: (line: string) => void;
}

/**
 * Drain on SIGTERM: `/ready` answers 503 at once (the load balancer stops sending traffic) and
 * new runs are refused with 503 `SERVER_DRAINING`, while the socket stays open, so clients of
 * the runs in flight can still stream, join and cancel them. Once those runs finish, or the
 * grace period is over, the server closes and the runs left are handed back to the queue
 * (Redis: another worker resumes them) or interrupted (embedded). Kubernetes sends
 * SIGKILL `terminationGracePeriodSeconds` after SIGTERM (preStop included), so the grace
 * period must end before that.
 */
export async function drainAndClose({ services, server, graceSeconds, signal, log = console.log }: DrainOptions): Promise<void> {
  services.readiness.beginDrain();
  services.runs.beginDrain();
  log(`${signal} received: draining (no new runs; waiting up to ${graceSeconds} s for the runs in flight)`);
  const finished = await services.runs.drained(graceSeconds * 1_000);
  // With Redis a worker's unfinished runs go back to the queue and resume on another worker from their checkpoints.
  const stopped = services.config.redis ? 'handing the runs still in flight back to the queue' : 'interrupting the runs still in flight';
  log(finished ? '  runs in flight finished; shutting down' : `  grace period of ${graceSeconds} s over: ${stopped}`);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Responses under way get a moment; streams that never end (a thread's stream) do not hold the exit.
  await Promise.race([closed, sleep(2_000)]);
  server.closeAllConnections();
  await services.close();
}
