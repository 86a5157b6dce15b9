import type { DatabaseSync } from 'node:sqlite';
import type { BaseCheckpointSaver, BaseStore } from '@langchain/langgraph';
import type { Redis } from 'ioredis';
import { createModels, type ModelsByRole } from './agents/index.ts';
import { createRedisAssistantRepository, createSqliteAssistantRepository, type AssistantRepository } from './assistants/index.ts';
import { createRedisClient, RedisCheckpointSaver, SqliteCheckpointSaver } from './checkpoint/index.ts';
import type { Config } from './config.ts';
import { AppError } from './errors.ts';
import {
  createGraphCatalog,
  createGraphs,
  defaultTenantId,
  loadLangGraphConfig,
  type CompiledGraphs,
  type ExecutionSafety,
  type GraphCatalog,
  type LoadedExport,
} from './graphs/index.ts';
import { createAuditLog, createLogger, createReadiness, type AuditLog, type Logger, type Readiness } from './observability/index.ts';
import {
  createMetrics,
  createPriceTable,
  createRedisUsageStore,
  createRunObserver,
  createLangSmithRunObserver,
  createLangSmithTracing,
  type LangSmithTracing,
  createSqliteUsageStore,
  createTracing,
  observeAuditLog,
  setDefaultLogger,
  timeRetriever,
  type Metrics,
  type PriceTable,
  type Tracing,
  type UsageStore,
} from './observability/index.ts';
import { createBudgetPolicy, createBudgetRunObserver, createLimits, type BudgetPolicy, type Limits } from './limits/index.ts';
import {
  createInProcessEventBus,
  createRedisEventBus,
  createRedisRunClaims,
  createRedisRunQueue,
  createRedisRunAcceptance,
  createRedisProcessLease,
  createRedisRunRepository,
  createRunManager,
  combineRunObservers,
  createSqliteProcessLease,
  createSqliteRunRepository,
  createCronManager,
  createCronTicker,
  createInProcessCronScheduler,
  createRedisCronRepository,
  createRedisCronScheduler,
  createSqliteCronRepository,
  type CronManager,
  recoverStaleRuns,
  resumeStrandedApprovals,
  startStrandedApprovalSweeper,
  type RecoveryReport,
  type RunEventBus,
  type RunManager,
  type RunRepository,
} from './runs/index.ts';
import {
  createEmbeddings,
  createIngestionJobs,
  createQdrantRetriever,
  createRedisAnswerCache,
  createSqliteAnswerCache,
  createSqliteRetriever,
  ingestSharedDirectory,
  type IngestionJobs,
  type Retriever,
  type UpsertReport,
} from './retrieval/index.ts';
import { flushGroupCommit, openDatabase, startWalCheckpointer } from './storage/index.ts';
import { RedisStore, SqliteStore } from './store/index.ts';
import { loadDomain, type Domain } from './domains/index.ts';
import {
  createSqliteEffectLedger,
  createToolRegistry,
  createRedisApprovalStore,
  createRedisEffectLedger,
  createSqliteApprovalStore,
  createSqliteDeferredActionQueue,
  createUpstreamBreakers,
  loadMcpToolSources,
  retryMcpToolSources,
  type ApprovalRule,
  type ApprovalStore,
  type McpToolSourceRetries,
  type EffectLedger,
  type ToolRegistry,
} from './tools/index.ts';

export interface Services {
  config: Config;
  /** Structured logs at LOG_LEVEL (the access log among them). */
  logger: Logger;
  /** Prometheus metrics of this instance (`GET /metrics`), in a registry of its own. */
  metrics: Metrics;
  /** Every model call's tokens and cost, per run, role, model, thread, tenant and day (`GET /usage`). */
  usage: UsageStore;
  /** Model prices: the defaults with `MODEL_PRICES` over them. */
  prices: PriceTable;
  database: DatabaseSync;
  /** The business domain plugged in (`DOMAIN`): its tools, rules and knowledge base. */
  domain: Domain;
  checkpointer: BaseCheckpointSaver;
  /** Long-term memory (`config.store` in graph nodes, `/store/*` over HTTP); callers scope it per tenant. */
  store: BaseStore;
  retriever: Retriever;
  ingestionJobs: IngestionJobs;
  tools: ToolRegistry;
  effects: EffectLedger;
  approvals: ApprovalStore;
  audit: AuditLog;
  safety: ExecutionSafety;
  models: ModelsByRole;
  graphs: CompiledGraphs;
  /** Every graph the API serves: Overseer's own, or those of LANGGRAPH_CONFIG. */
  catalog: GraphCatalog;
  /** LANGGRAPH_CONFIG's `auth.path` and `http.app` exports, for the HTTP layer to mount. */
  langgraphExtensions: { auth?: LoadedExport; httpApp?: LoadedExport };
  repository: RunRepository;
  /** The assistants tenants create (graphs with their own config, context and metadata, versioned). */
  assistants: AssistantRepository;
  bus: RunEventBus;
  runs: RunManager;
  /** Crons (schedules that create runs): embedded timers, or BullMQ job schedulers with Redis. */
  crons: CronManager;
  /** Gateway limits (requests per minute, runs at once), shared through Redis when configured. */
  limits: Limits;
  /** What loading the sample knowledge base did at start-up. */
  knowledgeBase: UpsertReport;
  /** `GET /ready`: storage and Redis answer, and the process is not draining (MCP servers' states beside). */
  readiness: Readiness;
  /**
   * Register this process on the run store and settle the runs stopped processes left pending
   * or running, only if no other live process serves the store. Call it once the process owns
   * its socket (`server.ts` does, after listening), so a process that fails to start never
   * touches runs. Throws `CONFLICT` when another live process serves the embedded database.
   * With `recoverRuns: false` it does nothing.
   */
  recoverRuns(): Promise<RecoveryReport>;
  /** OpenTelemetry tracing (`OTEL_*`): registered globally when on; `enabled` false is a no-op. */
  tracing: Tracing;
  /** Runs traced to LangSmith (`LANGSMITH_TRACING=true`); absent when off. */
  langsmith?: LangSmithTracing;
  /** Token and cost budgets per run and per tenant per day (`BUDGET_*`), checked before each model call. */
  budgets: BudgetPolicy;
  close(): Promise<void>;
}

const graphDescriptions: Record<string, string> = {
  supervisor: 'Routes a request to the retriever, executor and reviewer and answers it',
  retriever: 'Answers a task from the knowledge base with citations',
  executor: 'Carries out a task with validated, exactly-once tool calls',
  reviewer: 'Checks an answer or action against criteria and policy',
};

/** Test hooks and embedding choices: parts to use instead of the ones built from configuration. */
export interface ServiceOverrides {
  models?: ModelsByRole;
  logger?: Logger;
  clock?: () => Date;
  /**
   * Whether `services.recoverRuns()` may register this process and settle runs a stopped
   * process left pending or running (default true). A process that shares the database but
   * serves no runs itself (the graphs loaded by `langgraph dev`) must not, or it would fail the
   * runs of the server beside it.
   */
  recoverRuns?: boolean;
  /** Tracing started by the caller (tests: an in-memory exporter), which also shuts it down. */
  tracing?: Tracing;
  /** The clock usage records are dated by and daily budgets reset by (real time by default). */
  accountingClock?: () => Date;
}

/**
 * Build every long-lived part once, from configuration: the embedded SQLite database
 * (orders, retrieval index, effect ledger, and checkpoints unless Redis is configured), the
 * models, the tool registry and the graphs.
 * @example const services = await createServices(loadConfig());
 */
export async function createServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  // Deep modules log errors without services at hand (see default-logger.ts): through this logger.
  setDefaultLogger(logger);
  const metrics = createMetrics({ tenantLabel: config.observability.metricsTenantLabel });
  const tracing = overrides.tracing ?? createTracing(config.tracing, { serviceVersion: '0.1.0' });
  const prices = createPriceTable(config.observability.modelPrices);
  const database = openDatabase(config.sqlitePath);
  const walCheckpointer = startWalCheckpointer(database);
  let redis: Redis | undefined;
  const closers: Array<() => void> = [];
  let approvalSweeper: { stop(): void } | undefined;
  let mcpRetries: McpToolSourceRetries | undefined;
  try {
    // The business domain (the sample retailer unless DOMAIN names another) brings its tools,
    // rules and knowledge base; everything else here is the framework.
    const domain = await loadDomain(config.domain, { database, asOf: config.sampleAsOf, clock: overrides.clock });
    const knowledgeBaseDir = config.knowledgeBaseDir ?? domain.knowledgeBaseDir;
    const embeddings = createEmbeddings({
      model: config.models.embeddingModel,
      apiKey: config.models.apiKey,
      baseUrl: config.models.baseUrl,
    });
    const retriever = config.qdrant
      ? createQdrantRetriever({ url: config.qdrant.url, apiKey: config.qdrant.apiKey, collection: config.qdrant.collection, embeddings })
      : createSqliteRetriever({ database, embeddings });
    const ingestionJobs = createIngestionJobs({ retriever, directory: knowledgeBaseDir });
    // Every tenant reads the sample knowledge base; versions before the shared corpus loaded it
    // for `default`, and those copies go now.
    const { report: knowledgeBase, removedFromFormerTenant } = knowledgeBaseDir
      ? await ingestSharedDirectory(retriever, knowledgeBaseDir, { formerTenantId: defaultTenantId })
      : { report: { added: 0, updated: 0, unchanged: 0, deleted: 0, chunks: { written: 0, unchanged: 0, deleted: 0 } }, removedFromFormerTenant: 0 };
    if (removedFromFormerTenant > 0) {
      console.log(`  knowledge base: now shared by every tenant; removed the ${removedFromFormerTenant} copies tenant "${defaultTenantId}" held`);
    }
    // Operator-configured MCP servers' tools sit beside the domain's, under the same rails.
    const mcp = await loadMcpToolSources(config.mcpServers, { reservedNames: domain.tools.map((tool) => tool.name) });
    for (const warning of mcp.warnings) logger.warn({ mcp: true }, warning);
    const tools = createToolRegistry([...domain.tools, ...mcp.tools]);
    // The one list the executor's approval policy reads: rules of MCP servers listed later join it.
    const approvalRules: ApprovalRule[] = [...domain.approvalRules, ...mcp.approvalRules];
    // Servers down at start-up are listed again in the background; start-up does not wait for them.
    mcpRetries = retryMcpToolSources(config.mcpServers, mcp.unlisted, { registry: tools, approvalRules, logger });
    const models = overrides.models ?? createModels(config.models, { offline: { planner: domain.offlinePlanner } });
    let checkpointer: BaseCheckpointSaver;
    let store: BaseStore;
    if (config.redis) {
      redis = createRedisClient(config.redis.url);
      watchRedisHealth(redis, logger);
      checkpointer = new RedisCheckpointSaver({ client: redis, keyPrefix: `${config.redis.keyPrefix}checkpoint` });
      // RedisStore adds its own ':' after the prefix, so this gives `overseer:store:…` like its default.
      store = new RedisStore({ client: redis, keyPrefix: `${config.redis.keyPrefix}store` });
    } else {
      checkpointer = new SqliteCheckpointSaver({ database });
      store = new SqliteStore({ database });
    }
    // With Redis, everything that must hold across replicas lives there; the orders domain
    // (a sample business system) stays in SQLite.
    const effects = redis && config.redis
      ? createRedisEffectLedger({ client: redis, keyPrefix: `${config.redis.keyPrefix}effects:` })
      : createSqliteEffectLedger(database);
    const approvals = redis && config.redis
      ? createRedisApprovalStore({ client: redis, keyPrefix: `${config.redis.keyPrefix}approvals:`, clock: overrides.clock })
      : createSqliteApprovalStore(database, { clock: overrides.clock });
    // Counted as it is written: tool outcomes, approvals and verdicts in the metrics.
    const audit = observeAuditLog(createAuditLog({
      database,
      redis: redis && config.redis ? { client: redis, keyPrefix: `${config.redis.keyPrefix}audit:` } : undefined,
    }), { metrics, approvals });
    const usage = redis && config.redis
      ? createRedisUsageStore({ client: redis, keyPrefix: `${config.redis.keyPrefix}usage:` })
      : createSqliteUsageStore(database);
    const safety: ExecutionSafety = {
      approvals,
      policy: domain.policy,
      approvalRules,
      executionPolicies: domain.executionPolicies,
      breakers: createUpstreamBreakers(),
      deferred: createSqliteDeferredActionQueue(database),
      clock: overrides.clock,
    };
    // Shared by every worker with Redis; ingestion invalidates entries through the retriever's write generation.
    const answerCache = config.answerCache.ttlMs === 0
      ? undefined
      : redis && config.redis
        ? createRedisAnswerCache({ client: redis, keyPrefix: `${config.redis.keyPrefix}answers:`, ttlMs: config.answerCache.ttlMs })
        : createSqliteAnswerCache(database, { ttlMs: config.answerCache.ttlMs });
    const graphs = createGraphs({
      models,
      retriever: timeRetriever(retriever, metrics),
      tools,
      effects,
      checkpointer,
      limits: { maxHops: config.limits.maxHops, maxToolAttempts: config.limits.maxToolAttempts },
      safety,
      audit,
      reviewChecks: domain.reviewChecks,
      specialistDescriptions: domain.specialistDescriptions,
      answerCache,
    });
    const served = config.langgraphConfig ? await loadLangGraphConfig(config.langgraphConfig) : undefined;
    const catalog = createGraphCatalog(served?.graphs ?? graphs, { checkpointer, store, descriptions: served?.descriptions ?? graphDescriptions });
    const repository = redis && config.redis
      ? createRedisRunRepository({ client: redis, keyPrefix: `${config.redis.keyPrefix}runs:` })
      : createSqliteRunRepository(database);
    const assistants = redis && config.redis
      ? createRedisAssistantRepository({ client: redis, keyPrefix: `${config.redis.keyPrefix}assistants:` })
      : createSqliteAssistantRepository(database);
    if (!redis && config.role !== 'all') {
      throw new AppError('BAD_REQUEST', `ROLE=${config.role} needs REDIS_URL: API and worker processes share runs through Redis`);
    }
    // With Redis, runs go through BullMQ to any worker and their events through Redis Streams to
    // any API process; the subscriber is a connection of its own (a subscribed connection takes no commands).
    const subscriber = redis && config.redis ? createRedisClient(config.redis.url) : undefined;
    if (subscriber) closers.push(() => subscriber.disconnect());
    const bus = redis && subscriber && config.redis
      ? createRedisEventBus({
        client: redis,
        subscriber,
        keyPrefix: config.redis.keyPrefix,
        bufferLimit: config.runs.eventBuffer,
        retentionSeconds: config.runs.eventRetentionSeconds,
      })
      : createInProcessEventBus({
        bufferLimit: config.runs.eventBuffer,
        retentionMs: config.runs.eventRetentionSeconds * 1_000,
      });
    const redisUrl = config.redis?.url;
    const distributed = redis && subscriber && config.redis && redisUrl
      ? {
        claims: createRedisRunClaims({ client: redis, subscriber, keyPrefix: config.redis.keyPrefix }),
        acceptance: createRedisRunAcceptance({ client: redis, keyPrefix: config.redis.keyPrefix }),
        createQueue: (execute?: Parameters<typeof createRedisRunQueue>[0]['execute']) => createRedisRunQueue({
          url: redisUrl,
          keyPrefix: config.redis!.keyPrefix,
          leaseMs: config.runs.leaseMs,
          maxAttempts: config.runs.maxAttempts,
          concurrency: config.runs.concurrency,
          execute,
        }),
        executes: config.role !== 'api',
      }
      : undefined;
    const limits = createLimits(config.rateLimits, redis && config.redis ? { client: redis, keyPrefix: config.redis.keyPrefix } : undefined);
    const budgets = createBudgetPolicy({ config: config.budgets, usage, audit, clock: overrides.accountingClock });
    const langsmith = config.observability.langsmith ? createLangSmithTracing(config.observability.langsmith) : undefined;
    const runs = createRunManager({
      budgets: budgets.enabled ? budgets : undefined,
      admission: limits.runs,
      audit,
      catalog,
      assistants,
      checkpointer,
      repository,
      bus,
      concurrency: config.runs.concurrency,
      resultRetentionMs: config.runs.eventRetentionSeconds * 1_000,
      runTimeoutMs: config.runs.timeoutMs,
      maxAttempts: config.runs.maxAttempts,
      distributed,
      observer: combineRunObservers([
        createRunObserver({ metrics, usage, prices, traceModelCalls: tracing.enabled, clock: overrides.accountingClock }),
        langsmith && createLangSmithRunObserver(langsmith),
        createBudgetRunObserver({ policy: budgets, usage, prices, audit }),
      ]),
    });
    metrics.watch({
      queue: () => runs.queueStats(),
      breakers: () => safety.breakers?.states() ?? {},
      // Read from the approval store on each scrape, so every process reports the same count.
      approvalsPending: async () => {
        let pending = 0;
        for (const tenantId of await audit.tenants()) pending += (await approvals.listPending(tenantId)).length;
        return pending;
      },
    });
    const cronRepository = redis && config.redis
      ? createRedisCronRepository({ client: redis, keyPrefix: `${config.redis.keyPrefix}crons:` })
      : createSqliteCronRepository(database);
    const cronTicker = createCronTicker({ runs, repository: cronRepository });
    const crons = createCronManager({
      repository: cronRepository,
      scheduler: redis && config.redis && redisUrl
        ? createRedisCronScheduler({ url: redisUrl, keyPrefix: config.redis.keyPrefix, client: redis, repository: cronRepository, ticker: cronTicker, executes: config.role !== 'api' })
        : createInProcessCronScheduler({ repository: cronRepository, ticker: cronTicker }),
    });
    const lease = redis && config.redis
      ? createRedisProcessLease({ client: redis, key: `${config.redis.keyPrefix}processes` })
      : createSqliteProcessLease(database);
    return {
      config,
      logger,
      metrics,
      tracing,
      usage,
      prices,
      database,
      catalog,
      langsmith,
      budgets,
      langgraphExtensions: { auth: served?.auth, httpApp: served?.httpApp },
      repository,
      assistants,
      bus,
      runs,
      crons,
      checkpointer,
      store,
      retriever,
      ingestionJobs,
      domain,
      tools,
      effects,
      approvals,
      audit,
      safety,
      models,
      graphs,
      knowledgeBase,
      limits,
      readiness: createReadiness({ storage: () => database.prepare('SELECT 1').get(), redis, mcpServers: () => mcpRetries?.states() ?? [] }),
      async recoverRuns() {
        if (overrides.recoverRuns === false) return { recovered: 0, sharedWith: [] };
        // Decided approvals whose resume never ran: resumed at start-up (when this process is alone) and by a sweep.
        const stranded = { approvals, repository, runs, clock: overrides.clock };
        const report = await recoverStaleRuns({
          lease,
          runs,
          exclusive: config.redis === undefined,
          store: config.redis ? `Redis (${config.redis.keyPrefix})` : config.sqlitePath,
          resumeApprovals: async () => (await resumeStrandedApprovals(stranded, { graceMs: 0 })).length,
        });
        const intervalMs = config.runs.approvalSweepSeconds * 1_000;
        if (intervalMs > 0 && !approvalSweeper) {
          approvalSweeper = startStrandedApprovalSweeper({
            ...stranded,
            intervalMs,
            // Replicas on one Redis take turns: one sweep per interval, by whichever sets the key first.
            claim: redis && config.redis
              ? async () => (await redis!.set(`${config.redis!.keyPrefix}approval-sweep`, String(process.pid), 'PX', intervalMs, 'NX')) === 'OK'
              : undefined,
            onResumed: (resumed) => {
              for (const { approval, run } of resumed) console.log(`  approvals: ${approval.id} on thread ${approval.threadId} was decided but never resumed; resumed by run ${run.run_id}`);
            },
          });
        }
        // Ticks fire only in a process that owns its store (embedded: the lease just taken).
        await crons.start();
        return report;
      },
      async close() {
        approvalSweeper?.stop();
        await mcpRetries?.close();
        await crons.close();
        await runs.shutdown();
        // The runs' last traces are queued now; a LangSmith that does not take them in time does not hold the exit.
        if (langsmith && !(await langsmith.flush(5_000))) logger.warn('LangSmith: traces still unsent after 5 s at shutdown were dropped');
        limits.close();
        await lease.release();
        bus.close();
        await ingestionJobs.drain();
        await retriever.close();
        await store.stop();
        // Last spans out before the process goes; tracing a caller started is the caller's to stop.
        if (!overrides.tracing) await tracing.shutdown().catch(() => undefined);
        for (const close of closers) close();
        redis?.disconnect();
        flushGroupCommit(database);
        await walCheckpointer.stop();
        database.close();
      },
    };
  } catch (error) {
    await mcpRetries?.close();
    for (const close of closers) close();
    redis?.disconnect();
    await walCheckpointer.stop();
    database.close();
    throw error;
  }
}

/** Log an outage once when it starts and once when it ends, not on every reconnect attempt. */
function watchRedisHealth(redis: Redis, logger: Logger): void {
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.error({ error: { message: error.message } }, 'Redis unavailable; runs needing checkpoints fail with STORAGE_ERROR until it returns');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('Redis available again');
  });
}

