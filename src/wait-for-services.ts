import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Config } from './config.ts';
import { AppError } from './errors.ts';

/**
 * Wait at start-up until the configured services answer (Redis PING, Qdrant `GET /readyz`),
 * retrying with backoff up to `STARTUP_WAIT_SECONDS`. Containers start in any order (compose,
 * Kubernetes): a process that exits because Redis is still loading its AOF only gets restarted
 * in a crash loop, while one that waits comes up as soon as Redis does.
 */
export interface WaitForServicesOptions {
  /** One line per failed attempt (default: console.log). */
  log?: (line: string) => void;
  /** First pause between attempts; it doubles up to `maxDelayMs` (defaults 250 ms and 5 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

interface Dependency {
  name: string;
  /** Where it is, without credentials, for the logs. */
  where: string;
  /** Resolves when the service answers; rejects with the reason otherwise. */
  probe: (timeoutMs: number) => Promise<void>;
}

/** @example await waitForServices(config); // before createServices(config) */
export async function waitForServices(config: Config, options: WaitForServicesOptions = {}): Promise<void> {
  const deadline = Date.now() + config.lifecycle.startupWaitSeconds * 1_000;
  const dependencies: Dependency[] = [];
  if (config.redis) dependencies.push(redisDependency(config.redis.url));
  if (config.qdrant) dependencies.push(qdrantDependency(config.qdrant.url, config.qdrant.apiKey));
  for (const dependency of dependencies) {
    await waitFor(dependency, deadline, config.lifecycle.startupWaitSeconds, options);
  }
}

async function waitFor(dependency: Dependency, deadline: number, waitSeconds: number, options: WaitForServicesOptions): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  let delayMs = options.initialDelayMs ?? 250;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await dependency.probe(Math.max(250, Math.min(2_000, deadline - Date.now())));
      if (attempt > 1) log(`  ${dependency.name} at ${dependency.where} answered (attempt ${attempt})`);
      return;
    } catch (error) {
      const reason = reasonOf(error);
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new AppError('UPSTREAM_UNAVAILABLE', `${dependency.name} at ${dependency.where} did not answer within ${waitSeconds} s (STARTUP_WAIT_SECONDS; ${attempt} attempts, last: ${reason})`);
      }
      const pause = Math.min(delayMs, remaining);
      log(`  waiting for ${dependency.name} at ${dependency.where} (attempt ${attempt}: ${reason}); next try in ${(pause / 1_000).toFixed(1)} s`);
      await sleep(pause);
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  }
}

function redisDependency(url: string): Dependency {
  return {
    name: 'Redis',
    where: withoutCredentials(url),
    async probe(timeoutMs) {
      // A client of its own that tries once: the service's client reconnects forever by design.
      const client = new Redis(url, {
        lazyConnect: true,
        connectTimeout: timeoutMs,
        commandTimeout: timeoutMs,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      });
      // connect() only says "Connection is closed."; the socket's own error comes as an event.
      let socketError: Error | undefined;
      client.on('error', (error: Error) => (socketError = error));
      try {
        await client.connect();
        // Answers LOADING while Redis replays its AOF: not ready yet.
        await client.ping();
      } catch (error) {
        throw socketError ?? error;
      } finally {
        client.disconnect();
      }
    },
  };
}

function qdrantDependency(url: string, apiKey: string | undefined): Dependency {
  return {
    name: 'Qdrant',
    where: withoutCredentials(url),
    async probe(timeoutMs) {
      // Qdrant's readiness endpoint: 200 once its shards are loaded.
      const response = await fetch(`${url.replace(/\/+$/, '')}/readyz`, {
        headers: apiKey ? { 'api-key': apiKey } : {},
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    },
  };
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(an unparseable URL)';
  }
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'no answer in time';
  // fetch hides the socket error in its cause ("fetch failed").
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? (error as NodeJS.ErrnoException).code;
  const message = cause?.message ?? error.message;
  return code && !message.includes(code) ? `${code} ${message}` : message;
}
