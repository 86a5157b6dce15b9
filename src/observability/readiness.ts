import type { McpServerState } from '../tools/index.ts';

/**
 * Whether this process can serve traffic right now (`GET /ready`), as opposed to whether it is
 * alive (`GET /ok`). An orchestrator stops routing to a process that is not ready and keeps it
 * running: a Redis outage takes replicas out of rotation without restarting them, and a
 * process that began draining on SIGTERM leaves the rotation at once.
 */
export type CheckState = 'ok' | 'down' | 'not configured';

/**
 * `mcpServers` (when any is configured) says which MCP tool sources are listed and which are
 * still retried: reported, never a reason to be unready, since a missing optional tool source
 * only means fewer tools, and taking the process out of rotation would not bring it back.
 */
export type ReadinessReport =
  | { ready: true; checks: { storage: CheckState; redis: CheckState }; mcpServers?: McpServerState[] }
  | { ready: false; checks: { storage: CheckState; redis: CheckState }; mcpServers?: McpServerState[] }
  | { ready: false; draining: true };

export interface Readiness {
  check(): Promise<ReadinessReport>;
  /** From now on every check answers draining (the process is shutting down). */
  beginDrain(): void;
  readonly draining: boolean;
}

export interface ReadinessDependencies {
  /** A trivial query on the embedded database; throws when it cannot answer. */
  storage: () => void;
  /** The shared Redis client, when one is configured. */
  redis?: { ping(): Promise<unknown> };
  /** How long a Redis PING may take before Redis counts as down (default 1 s). */
  timeoutMs?: number;
  /** The configured MCP servers' listing states, reported beside the checks. */
  mcpServers?: () => McpServerState[];
}

/** @example const readiness = createReadiness({ storage: () => database.prepare('SELECT 1').get(), redis }); */
export function createReadiness(dependencies: ReadinessDependencies): Readiness {
  const timeoutMs = dependencies.timeoutMs ?? 1_000;
  let draining = false;

  async function redisState(): Promise<CheckState> {
    const { redis } = dependencies;
    if (!redis) return 'not configured';
    let timer: NodeJS.Timeout | undefined;
    // Probes come every few seconds: a hung server must answer "down" within the probe's own timeout.
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    });
    try {
      await Promise.race([redis.ping(), timedOut]);
      return 'ok';
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  }

  function storageState(): CheckState {
    try {
      dependencies.storage();
      return 'ok';
    } catch {
      return 'down';
    }
  }

  return {
    async check() {
      if (draining) return { ready: false, draining: true };
      const checks = { storage: storageState(), redis: await redisState() };
      const ready = checks.storage !== 'down' && checks.redis !== 'down';
      // Draining may have begun while Redis answered.
      if (draining) return { ready: false, draining: true };
      const mcpServers = dependencies.mcpServers?.() ?? [];
      const reported = mcpServers.length > 0 ? { checks, mcpServers } : { checks };
      return ready ? { ready: true, ...reported } : { ready: false, ...reported };
    },
    beginDrain() {
      draining = true;
    },
    get draining() {
      return draining;
    },
  };
}
