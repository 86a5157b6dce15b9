import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsOptions {
  /**
   * Add a `tenant` label to runs, model calls, tool calls and budget stops (`METRICS_TENANT_LABEL`).
   * Off by default: every tenant multiplies the series, and a scrape is not tenant-scoped.
   */
  tenantLabel?: boolean;
  /** Add Node's process metrics (CPU, memory, GC, event-loop lag) to `render()`; default true. */
  defaultMetrics?: boolean;
}

/** What the scrape reads at the moment it happens (gauges of state, not of events). */
export interface MetricsSources {
  queue?: () => { waiting: number; running: number } | Promise<{ waiting: number; running: number }>;
  breakers?: () => Record<string, string>;
  approvalsPending?: () => Promise<number>;
}

/**
 * Prometheus metrics of one service instance (prom-client), in a registry of its own, so two
 * services in one process (tests, an embedding app) never share or collide. Labels are of low
 * cardinality only: graph, status, role, model, tool, outcome, never a run or thread id.
 */
export interface Metrics {
  /** This service's own metrics; `render()` adds the process's (shared by every service in it). */
  readonly registry: Registry;
  /** The exposition text (`GET /metrics`). */
  render(): Promise<string>;
  readonly contentType: string;
  /** Gauges of state, read on each scrape. */
  watch(sources: MetricsSources): void;
  runStarted(run: { graph: string; tenant: string; waitSeconds: number }): void;
  runSettled(run: { graph: string; tenant: string; status: string; durationSeconds: number }): void;
  modelCall(call: {
    role: string; model: string; tenant: string; outcome: string; durationSeconds: number;
    tokens?: { input: number; output: number; cached: number; reasoning: number }; costUsd?: number;
  }): void;
  toolCall(call: { tool: string; outcome: string; tenant: string }): void;
  approvalClosed(approval: { decision: string; waitedSeconds?: number }): void;
  review(review: { stage: string; verdict: string }): void;
  /** A budget stopped a run before a model call (`stopped`) or refused a new run (`refused`). */
  budgetExhausted(stop: { graph: string; scope: string; measure: string; outcome: string; tenant: string }): void;
  retrieval(search: { outcome: string; durationSeconds: number }): void;
}

const breakerStates = ['closed', 'open', 'half_open', 'isolated'];

// One per process, deliberately: CPU, memory, GC and the event loop belong to the process, not to
// a service in it, and each collection starts monitors (an event-loop delay histogram, a GC
// observer) that are never stopped, so a registry per service would add them per service.
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** @example const metrics = createMetrics(); metrics.watch({ queue: () => runs.queueStats() }); await metrics.render(); */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const tenant = options.tenantLabel ? ['tenant'] : [];
  const withTenant = <T extends Record<string, string>>(labels: T, tenantId: string) => (options.tenantLabel ? { ...labels, tenant: tenantId } : labels);
  const withProcess = options.defaultMetrics !== false;
  let sources: MetricsSources = {};

  const runs = new Counter({ name: 'overseer_runs_total', help: 'Runs settled, by graph and final status', labelNames: ['graph', 'status', ...tenant], registers });
  const runDuration = new Histogram({
    name: 'overseer_run_duration_seconds', help: 'Execution time of runs, from start to settled', labelNames: ['graph', 'status'], registers,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  });
  async function queueStats(): Promise<{ waiting: number; running: number } | undefined> {
    if (!sources.queue) return undefined;
    try {
      return await sources.queue();
    } catch {
      return { waiting: Number.NaN, running: Number.NaN };
    }
  }
  const queueWait = new Histogram({
    name: 'overseer_run_queue_wait_seconds', help: 'Time from a run\'s creation to the start of its execution', labelNames: ['graph'], registers,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
  });
  new Gauge({
    name: 'overseer_run_queue_depth', help: 'Runs waiting for an execution slot (with Redis: in the queue every worker shares)', registers,
    async collect() {
      // A shared queue that does not answer (Redis down) is reported as unknown, never as an empty queue.
      const stats = await queueStats();
      if (stats) this.set(stats.waiting);
    },
  });
  new Gauge({
    name: 'overseer_runs_executing', help: 'Runs this process is executing', registers,
    async collect() {
      const stats = await queueStats();
      if (stats) this.set(stats.running);
    },
  });
  const modelCalls = new Counter({ name: 'overseer_model_calls_total', help: 'Model calls, by agent role, model and outcome', labelNames: ['role', 'model', 'outcome', ...tenant], registers });
  const modelLatency = new Histogram({
    name: 'overseer_model_call_duration_seconds', help: 'Model call latency, by agent role and model', labelNames: ['role', 'model', 'outcome'], registers,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 60, 120],
  });
  const modelTokens = new Counter({
    name: 'overseer_model_tokens_total', help: 'Tokens of model calls (kind: input, output, cached, reasoning; cached are part of input, reasoning of output)',
    labelNames: ['role', 'model', 'kind', ...tenant], registers,
  });
  const modelCost = new Counter({ name: 'overseer_model_cost_usd_total', help: 'Estimated cost of model calls in US dollars, from the price table', labelNames: ['role', 'model', ...tenant], registers });
  const toolCalls = new Counter({
    name: 'overseer_tool_calls_total', help: 'Tool calls by outcome: executed, replayed, held_for_approval, forbidden, invalid, unknown_tool, failed, in_doubt, unavailable',
    labelNames: ['tool', 'outcome', ...tenant], registers,
  });
  new Gauge({
    name: 'overseer_approvals_pending', help: 'Approval requests waiting for a decision, every tenant', registers,
    async collect() {
      if (sources.approvalsPending) this.set(await sources.approvalsPending());
    },
  });
  const approvalDecisions = new Counter({ name: 'overseer_approval_decisions_total', help: 'Approval requests closed: approve, edit, reject, superseded, orphaned', labelNames: ['decision'], registers });
  const approvalLatency = new Histogram({
    name: 'overseer_approval_decision_seconds', help: 'Time from an approval request to its decision', labelNames: ['decision'], registers,
    buckets: [1, 5, 15, 30, 60, 300, 900, 1_800, 3_600, 14_400, 86_400],
  });
  const budgetStops = new Counter({
    name: 'overseer_budget_exhausted_total',
    help: 'Budget stops: runs stopped before a model call (outcome stopped) and new runs refused 429 (outcome refused), by budget scope (run, tenant_daily) and measure (tokens, cost_usd)',
    labelNames: ['graph', 'scope', 'measure', 'outcome', ...tenant], registers,
  });
  const reviews = new Counter({ name: 'overseer_reviews_total', help: 'Reviewer verdicts by stage (answer, pre_action, post_action)', labelNames: ['stage', 'verdict'], registers });
  const retrievalLatency = new Histogram({
    name: 'overseer_retrieval_duration_seconds', help: 'Knowledge-base search latency', labelNames: ['outcome'], registers,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  new Gauge({
    name: 'overseer_upstream_breaker_state', help: 'Circuit breaker of each upstream: 1 for its current state', labelNames: ['upstream', 'state'], registers,
    collect() {
      this.reset();
      for (const [upstream, current] of Object.entries(sources.breakers?.() ?? {})) {
        for (const state of breakerStates) this.set({ upstream, state }, state === current ? 1 : 0);
      }
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    render: () => (withProcess ? Registry.merge([registry, processMetrics()]) : registry).metrics(),
    watch(next) {
      sources = { ...sources, ...next };
    },
    runStarted({ graph, waitSeconds }) {
      queueWait.observe({ graph }, waitSeconds);
    },
    runSettled({ graph, tenant: tenantId, status, durationSeconds }) {
      runs.inc(withTenant({ graph, status }, tenantId));
      runDuration.observe({ graph, status }, durationSeconds);
    },
    modelCall({ role, model, tenant: tenantId, outcome, durationSeconds, tokens, costUsd }) {
      modelCalls.inc(withTenant({ role, model, outcome }, tenantId));
      modelLatency.observe({ role, model, outcome }, durationSeconds);
      for (const [kind, count] of Object.entries(tokens ?? {})) if (count > 0) modelTokens.inc(withTenant({ role, model, kind }, tenantId), count);
      if (costUsd) modelCost.inc(withTenant({ role, model }, tenantId), costUsd);
    },
    toolCall({ tool, outcome, tenant: tenantId }) {
      toolCalls.inc(withTenant({ tool, outcome }, tenantId));
    },
    approvalClosed({ decision, waitedSeconds }) {
      approvalDecisions.inc({ decision });
      if (waitedSeconds !== undefined) approvalLatency.observe({ decision }, waitedSeconds);
    },
    review({ stage, verdict }) {
      reviews.inc({ stage, verdict });
    },
    budgetExhausted({ graph, scope, measure, outcome, tenant: tenantId }) {
      budgetStops.inc(withTenant({ graph, scope, measure, outcome }, tenantId));
    },
    retrieval({ outcome, durationSeconds }) {
      retrievalLatency.observe({ outcome }, durationSeconds);
    },
  };
}
