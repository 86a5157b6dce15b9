import { logError } from '../observability/index.ts';

/** What BullMQ's queues and workers offer for shutting down. */
interface Closable {
  close(force?: boolean): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * Close a BullMQ queue or worker, but never wait forever: while Redis is down BullMQ's `close()`
 * waits for a connection that does not come, which would hang the service's shutdown. Past
 * `timeoutMs` the connection is dropped instead (jobs in flight are then taken over by another
 * worker once their lock lapses, as after a crash). Says which of the two happened.
 */
export async function closeWithin(target: Closable | undefined, timeoutMs: number, force = false): Promise<'closed' | 'disconnected'> {
  if (!target) return 'closed';
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });
  const closing = target.close(force).catch((error: unknown) => logError('closing a queue connection failed:', error));
  const outcome = await Promise.race([closing.then(() => 'closed' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'closed') return 'closed';
  await target.disconnect().catch(() => undefined);
  return 'disconnected';
}
