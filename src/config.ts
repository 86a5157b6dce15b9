import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors.ts';
import type { ModelPrice } from './observability/model-prices.ts';
import type { TracingConfig } from './observability/create-tracing.ts';
import { readTracingConfig } from './observability/read-tracing-config.ts';
import type { McpServerSettings } from './tools/mcp/index.ts';

/**
 * The one schema over the environment. Nothing else in the service reads `process.env`:
 * everything downstream receives the parsed `Config`.
 */
const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8123),
  DATA_DIR: z.string().default('./data'),
  SQLITE_PATH: optionalString,
  KNOWLEDGE_BASE_DIR: optionalString,
  REDIS_URL: optionalString,
  REDIS_KEY_PREFIX: z.string().default('overseer:'),
  QDRANT_URL: optionalString,
  QDRANT_API_KEY: optionalString,
  QDRANT_COLLECTION: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/).default('overseer_chunks'),
  MODEL_PROVIDER: z.enum(['openai', 'offline']).optional(),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString,
  MODEL_SUPERVISOR: z.string().default('gpt-4o-mini'),
  MODEL_RETRIEVER: z.string().default('gpt-4o-mini'),
  MODEL_EXECUTOR: z.string().default('gpt-4o-mini'),
  MODEL_REVIEWER: z.string().default('gpt-4o-mini'),
  // The premium model per role for the calls the routing policy (agents/choose-model-tier.ts) sends there; unset: the routine one.
  MODEL_SUPERVISOR_PREMIUM: optionalString,
  MODEL_RETRIEVER_PREMIUM: optionalString,
  MODEL_EXECUTOR_PREMIUM: optionalString,
  MODEL_REVIEWER_PREMIUM: optionalString,
  MODEL_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  MODEL_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  MODEL_IDLE_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  MODEL_FALLBACKS: optionalString,
  EMBEDDING_MODEL: optionalString,
  // How long a knowledge-base answer is served from the answer cache (0: no cache); ingestion invalidates it sooner.
  ANSWER_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(30 * 86_400).default(86_400),
  MAX_HOPS: z.coerce.number().int().min(1).max(50).default(8),
  MAX_TOOL_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  DOMAIN: optionalString,
  SAMPLE_AS_OF: z.union([z.literal('now'), z.iso.date(), z.iso.datetime()]).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  API_KEYS: optionalString,
  JWT_JWKS_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  JWT_PUBLIC_KEY: optionalString,
  JWT_SECRET: optionalString,
  JWT_ISSUER: optionalString,
  JWT_AUDIENCE: optionalString,
  JWT_ALGORITHMS: optionalString,
  JWT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  JWT_JWKS_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3_600).default(30),
  JWT_TENANT_CLAIM: z.string().min(1).default('tenant'),
  JWT_SCOPES_CLAIM: z.string().min(1).default('scope'),
  JWT_NAME_CLAIM: z.string().min(1).default('sub'),
  JWT_DEFAULT_TENANT: optionalString,
  RATE_LIMIT_REQUESTS_PER_MINUTE_PER_KEY: z.coerce.number().int().min(0).default(0),
  RATE_LIMIT_REQUESTS_PER_MINUTE_PER_TENANT: z.coerce.number().int().min(0).default(0),
  RATE_LIMIT_CONCURRENT_RUNS_PER_KEY: z.coerce.number().int().min(0).default(0),
  RATE_LIMIT_CONCURRENT_RUNS_PER_TENANT: z.coerce.number().int().min(0).default(0),
  CORS_ORIGINS: z.string().default('https://smith.langchain.com'),
  LANGGRAPH_CONFIG: optionalString,
  RUN_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(16),
  RUN_EVENT_RETENTION_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  RUN_EVENT_BUFFER: z.coerce.number().int().min(10).max(1_000_000).default(10_000),
  RUN_TIMEOUT_MS: z.coerce.number().int().min(0).default(600_000),
  // api: serve HTTP, never execute a graph; worker: execute runs from the queue; all: both (embedded default).
  ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  // Attempts in a row whose worker died before the run saved a checkpoint; then the run ends `error`.
  RUN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  // How long a worker's claim on a run lasts without renewal before another worker takes the run over.
  RUN_LEASE_MS: z.coerce.number().int().min(200).max(600_000).default(30_000),
  // Decided approvals whose resume never ran are resumed by a sweep this often (0: only at start-up).
  APPROVAL_SWEEP_SECONDS: z.coerce.number().int().min(0).max(86_400).default(30),
  JSON_MAX_DEPTH: z.coerce.number().int().min(1).max(1_000).default(64),
  JSON_MAX_KEYS: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  JSON_MAX_ARRAY_LENGTH: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  STARTUP_WAIT_SECONDS: z.coerce.number().int().min(0).max(3_600).default(60),
  // Below Kubernetes' default terminationGracePeriodSeconds (30), so a drained pod exits before SIGKILL.
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(25),
  // `/metrics` needs the `metrics:read` scope unless this is true (a scraper inside the cluster network).
  METRICS_PUBLIC: z.enum(['true', 'false', '1', '0', '']).default('false'),
  METRICS_TENANT_LABEL: z.enum(['true', 'false', '1', '0', '']).default('false'),
  MODEL_PRICES: optionalString,
  // Budgets (0: none): tokens (input + output) and estimated cost per run and per tenant per UTC day; BUDGET_TENANTS overrides per tenant.
  BUDGET_RUN_TOKENS: z.coerce.number().int().min(0).default(0),
  BUDGET_RUN_COST_USD: z.coerce.number().min(0).default(0),
  BUDGET_TENANT_DAILY_TOKENS: z.coerce.number().int().min(0).default(0),
  BUDGET_TENANT_DAILY_COST_USD: z.coerce.number().min(0).default(0),
  BUDGET_TENANTS: optionalString,
  // LangSmith, under the names the langsmith SDK reads (LANGSMITH_* first, then the older LANGCHAIN_*).
  LANGSMITH_TRACING: optionalString,
  LANGSMITH_TRACING_V2: optionalString,
  LANGCHAIN_TRACING_V2: optionalString,
  LANGCHAIN_TRACING: optionalString,
  LANGSMITH_API_KEY: optionalString,
  LANGCHAIN_API_KEY: optionalString,
  LANGSMITH_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  LANGCHAIN_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  LANGSMITH_PROJECT: optionalString,
  LANGCHAIN_PROJECT: optionalString,
  LANGSMITH_WORKSPACE_ID: optionalString,
  // Operator-configured MCP servers whose tools join the registry: JSON, or the path of a JSON file.
  MCP_SERVERS: optionalString,
  MCP_SERVERS_FILE: optionalString,
  // OpenTelemetry tracing, by the standard variables (observability/read-tracing-config.ts); off when none is set.
  OTEL_SDK_DISABLED: optionalString,
  OTEL_TRACES_EXPORTER: optionalString,
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalString,
  OTEL_EXPORTER_OTLP_PROTOCOL: optionalString,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: optionalString,
  OTEL_EXPORTER_OTLP_HEADERS: optionalString,
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: optionalString,
  OTEL_EXPORTER_OTLP_TIMEOUT: optionalString,
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: optionalString,
  OTEL_SERVICE_NAME: optionalString,
  OTEL_RESOURCE_ATTRIBUTES: optionalString,
  OTEL_TRACES_SAMPLER: optionalString,
  OTEL_TRACES_SAMPLER_ARG: optionalString,
  OTEL_SEMCONV_STABILITY_OPT_IN: optionalString,
  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: optionalString,
});

/** Every variable the service reads (deployment files are checked against it). */
export const environmentVariableNames: readonly string[] = Object.keys(environmentSchema.shape);

/**
 * What a tenant id may be, wherever it comes from (an API key entry, a token's claim).
 * `__shared__` is refused: it is the retrieval index's shared corpus (`sharedCorpusId`), and a
 * caller carrying it could write documents every tenant reads.
 */
export const tenantIdPattern = /^(?!__shared__$)[A-Za-z0-9_.-]{1,64}$/;

const apiKeySchema = z
  .strictObject({
    key: z.string().min(16, 'API keys must be at least 16 characters').optional(),
    key_sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'key_sha256 is the key\'s SHA-256 digest in hex').optional(),
    tenant: z.string().regex(tenantIdPattern, 'tenant ids are 1-64 letters, digits, "_", "." or "-", and not the reserved "__shared__"'),
    scopes: z.array(z.string().min(1)).min(1),
    name: z.string().optional(),
  })
  .refine((entry) => (entry.key === undefined) !== (entry.key_sha256 === undefined), 'give exactly one of "key" and "key_sha256"');

/** An API key (a service account) as the service keeps it: the key's digest, never the key. */
export interface ApiKey {
  /** SHA-256 of the key, lower-case hex. */
  keySha256: string;
  tenant: string;
  scopes: string[];
  name?: string;
}

const asymmetricAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const symmetricAlgorithms = ['HS256', 'HS384', 'HS512'];

/** How bearer JWTs (OAuth2/OIDC access tokens) are verified and what their claims mean. */
export interface JwtConfig {
  /** Where verification keys come from: an identity provider's JWKS, one public key, or a shared secret. */
  keys: { kind: 'jwks'; url: URL; cooldownSeconds: number } | { kind: 'public_key'; key: KeyObject } | { kind: 'secret'; key: Uint8Array };
  issuer: string;
  /** Any one of these must be in the token's `aud`. */
  audience: string[];
  algorithms: string[];
  clockSkewSeconds: number;
  claims: { tenant: string; scopes: string; name: string };
  /** The tenant of a token without a tenant claim; without it such a token is refused. */
  defaultTenant?: string;
}

/** Requests per minute and runs pending or running at once; 0 means no limit. */
export interface RateLimits {
  requestsPerMinutePerKey: number;
  requestsPerMinutePerTenant: number;
  concurrentRunsPerKey: number;
  concurrentRunsPerTenant: number;
}

export type ModelRole = 'supervisor' | 'retriever' | 'executor' | 'reviewer';

export interface Config {
  environment: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  sqlitePath: string;
  /** `KNOWLEDGE_BASE_DIR`; without it, the domain's own knowledge base. */
  knowledgeBaseDir?: string;
  /** `DOMAIN`: `brightcart` (the sample retailer) or the path of a module exporting `createDomain`. */
  domain: string;
  redis?: { url: string; keyPrefix: string };
  qdrant?: { url: string; apiKey?: string; collection: string };
  models: {
    provider: 'openai' | 'offline';
    apiKey?: string;
    baseUrl?: string;
    names: Record<ModelRole, string>;
    /** `MODEL_<ROLE>_PREMIUM`: the model for a role's premium calls; a role without one uses `names[role]` for them. */
    premiumNames: Partial<Record<ModelRole, string>>;
    /** One model call (each attempt), headers and body. */
    timeoutMs: number;
    /** Longest silence inside a response (between streamed chunks) before the call is cut. */
    idleTimeoutMs: number;
    maxRetries: number;
    /** Models tried in order after the role's own fails with an outage or a time-out. */
    fallbacks: Partial<Record<ModelRole, ModelEndpoint[]>>;
    embeddingModel?: string;
  };
  limits: { maxHops: number; maxToolAttempts: number };
  /** Answers to repeated knowledge-base questions, per tenant and write generation; `ttlMs` 0 turns it off. */
  answerCache: { ttlMs: number };
  /**
   * When the sample orders domain thinks it is: its seeded orders live in early 2026, so by
   * default its tools see the world from 2026-04-01 on (time passes from start-up); `now` uses
   * the real clock. Approvals, audit and runs always use the real clock.
   */
  /** When the domain's world is (`SAMPLE_AS_OF`); without it, the domain's default. */
  sampleAsOf?: Date | 'now';
  /** API keys (service accounts), each with a tenant and scopes; with no keys and no JWT, open mode (loopback only). */
  apiKeys: ApiKey[];
  /** Bearer JWT verification; absent unless a JWKS URL, public key or secret is configured. */
  jwt?: JwtConfig;
  rateLimits: RateLimits;
  /** Browser origins allowed to call the API (LangGraph Studio's by default). */
  corsOrigins: string[];
  /** A langgraph.json whose graphs to serve instead of Overseer's own. */
  langgraphConfig?: string;
  /** `timeoutMs`: the deadline of one run's execution (0: none). */
  runs: { concurrency: number; eventRetentionSeconds: number; eventBuffer: number; timeoutMs: number; maxAttempts: number; leaseMs: number; approvalSweepSeconds: number };
  /** `api` serves HTTP and never executes a graph, `worker` executes queued runs, `all` both (the default). */
  role: 'api' | 'worker' | 'all';
  /**
   * The most a JSON request body may nest and hold per object or array, checked before it is
   * parsed: a LangGraph payload nests about 10 deep, and values deeper than a few thousand
   * levels overflow the stack wherever they are serialized.
   */
  jsonLimits: { maxDepth: number; maxKeys: number; maxArrayLength: number };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /**
   * `startupWaitSeconds`: how long start-up waits for Redis and Qdrant to answer before giving up;
   * `shutdownGraceSeconds`: how long a SIGTERM waits for this process's runs to finish.
   */
  lifecycle: { startupWaitSeconds: number; shutdownGraceSeconds: number };
  /**
   * `metricsPublic`: `/metrics` without credentials; `metricsTenantLabel`: a `tenant` label on
   * run, model and tool metrics; `modelPrices`: `MODEL_PRICES` over the default price table.
   */
  observability: {
    metricsPublic: boolean;
    metricsTenantLabel: boolean;
    modelPrices: Record<string, ModelPrice>;
    /** Runs traced to LangSmith (`LANGSMITH_TRACING=true`); absent when off. */
    langsmith?: LangSmithConfig;
  };
  /** Token and cost budgets per run and per tenant per UTC day, checked before each model call. */
  budgets: BudgetConfig;
  /** `MCP_SERVERS` (or the file `MCP_SERVERS_FILE`): MCP servers whose tools become tools of the registry. */
  mcpServers: McpServerSettings[];
  /** OpenTelemetry tracing from the `OTEL_*` variables; `exporter: 'none'` is off. */
  tracing: TracingConfig;
}

/**
 * Parse the environment once at start-up.
 * @example const config = loadConfig({ PORT: '0', DATA_DIR: tmpDir });
 */
export function loadConfig(environment: Record<string, string | undefined> = process.env): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new AppError('BAD_REQUEST', 'Invalid configuration in the environment', {
      details: parsed.error.issues.map((issue) => ({ variable: issue.path.join('.'), message: issue.message })),
    });
  }
  const values = parsed.data;
  const provider = values.MODEL_PROVIDER ?? (values.OPENAI_API_KEY ? 'openai' : 'offline');
  if (provider === 'openai' && !values.OPENAI_API_KEY && !values.OPENAI_BASE_URL) {
    throw new AppError('BAD_REQUEST', 'MODEL_PROVIDER=openai needs OPENAI_API_KEY or OPENAI_BASE_URL');
  }
  const dataDir = path.resolve(values.DATA_DIR);
  return {
    environment: values.NODE_ENV,
    host: values.HOST,
    port: values.PORT,
    dataDir,
    sqlitePath: values.SQLITE_PATH ?? path.join(dataDir, 'overseer.db'),
    knowledgeBaseDir: values.KNOWLEDGE_BASE_DIR === undefined ? undefined : path.resolve(values.KNOWLEDGE_BASE_DIR),
    redis: values.REDIS_URL ? { url: values.REDIS_URL, keyPrefix: values.REDIS_KEY_PREFIX } : undefined,
    qdrant: values.QDRANT_URL ? { url: values.QDRANT_URL, apiKey: values.QDRANT_API_KEY, collection: values.QDRANT_COLLECTION } : undefined,
    models: {
      provider,
      apiKey: values.OPENAI_API_KEY,
      baseUrl: values.OPENAI_BASE_URL,
      names: {
        supervisor: values.MODEL_SUPERVISOR,
        retriever: values.MODEL_RETRIEVER,
        executor: values.MODEL_EXECUTOR,
        reviewer: values.MODEL_REVIEWER,
      },
      premiumNames: Object.fromEntries(Object.entries({
        supervisor: values.MODEL_SUPERVISOR_PREMIUM,
        retriever: values.MODEL_RETRIEVER_PREMIUM,
        executor: values.MODEL_EXECUTOR_PREMIUM,
        reviewer: values.MODEL_REVIEWER_PREMIUM,
      }).filter(([, name]) => name !== undefined)),
      timeoutMs: values.MODEL_TIMEOUT_MS,
      maxRetries: values.MODEL_MAX_RETRIES,
      idleTimeoutMs: values.MODEL_IDLE_TIMEOUT_MS,
      fallbacks: parseModelFallbacks(values.MODEL_FALLBACKS),
      embeddingModel: values.EMBEDDING_MODEL,
    },
    limits: { maxHops: values.MAX_HOPS, maxToolAttempts: values.MAX_TOOL_ATTEMPTS },
    answerCache: { ttlMs: values.ANSWER_CACHE_TTL_SECONDS * 1_000 },
    domain: values.DOMAIN ?? 'brightcart',
    sampleAsOf: values.SAMPLE_AS_OF === undefined || values.SAMPLE_AS_OF === 'now' ? values.SAMPLE_AS_OF : new Date(values.SAMPLE_AS_OF),
    apiKeys: parseApiKeys(values.API_KEYS),
    jwt: parseJwtConfig(values),
    rateLimits: {
      requestsPerMinutePerKey: values.RATE_LIMIT_REQUESTS_PER_MINUTE_PER_KEY,
      requestsPerMinutePerTenant: values.RATE_LIMIT_REQUESTS_PER_MINUTE_PER_TENANT,
      concurrentRunsPerKey: values.RATE_LIMIT_CONCURRENT_RUNS_PER_KEY,
      concurrentRunsPerTenant: values.RATE_LIMIT_CONCURRENT_RUNS_PER_TENANT,
    },
    corsOrigins: values.CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean),
    langgraphConfig: values.LANGGRAPH_CONFIG ? path.resolve(values.LANGGRAPH_CONFIG) : undefined,
    runs: {
      concurrency: values.RUN_CONCURRENCY,
      eventRetentionSeconds: values.RUN_EVENT_RETENTION_SECONDS,
      eventBuffer: values.RUN_EVENT_BUFFER,
      timeoutMs: values.RUN_TIMEOUT_MS,
      maxAttempts: values.RUN_MAX_ATTEMPTS,
      leaseMs: values.RUN_LEASE_MS,
      approvalSweepSeconds: values.APPROVAL_SWEEP_SECONDS,
    },
    role: values.ROLE,
    jsonLimits: { maxDepth: values.JSON_MAX_DEPTH, maxKeys: values.JSON_MAX_KEYS, maxArrayLength: values.JSON_MAX_ARRAY_LENGTH },
    logLevel: values.LOG_LEVEL,
    lifecycle: { startupWaitSeconds: values.STARTUP_WAIT_SECONDS, shutdownGraceSeconds: values.SHUTDOWN_GRACE_SECONDS },
    observability: {
      metricsPublic: ['true', '1'].includes(values.METRICS_PUBLIC),
      metricsTenantLabel: ['true', '1'].includes(values.METRICS_TENANT_LABEL),
      modelPrices: parseModelPrices(values.MODEL_PRICES),
      langsmith: parseLangSmith(values),
    },
    budgets: {
      defaults: {
        runTokens: values.BUDGET_RUN_TOKENS,
        runCostUsd: values.BUDGET_RUN_COST_USD,
        dailyTokens: values.BUDGET_TENANT_DAILY_TOKENS,
        dailyCostUsd: values.BUDGET_TENANT_DAILY_COST_USD,
      },
      tenants: parseBudgetTenants(values.BUDGET_TENANTS),
    },
    mcpServers: parseMcpServers(values.MCP_SERVERS, values.MCP_SERVERS_FILE),
    tracing: readTracingConfig(values),
  };
}

const mcpToolNamePattern = /^[A-Za-z0-9_.\/-]{1,128}$/;

const mcpServerSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'MCP server names are 1-32 letters, digits, "_" or "-"'),
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).optional(),
  timeout_ms: z.number().int().positive().max(600_000).default(10_000),
  tool_prefix: z.string().regex(/^[A-Za-z0-9_-]{0,32}$/).optional(),
  scopes: z.array(z.string().min(1)).optional(),
  tools: z.record(z.string().regex(mcpToolNamePattern), z.strictObject({
    risk: z.enum(['read', 'write', 'irreversible']),
    scopes: z.array(z.string().min(1)).optional(),
    approval: z.union([z.enum(['always', 'never']), z.strictObject({ field: z.string().min(1), above: z.number() })]).optional(),
    idempotent: z.boolean().optional(),
  })).default({}),
  undeclared_tools: z.enum(['approve', 'hide']).default('approve'),
});

/**
 * `MCP_SERVERS` is a JSON array of `{ name, url, headers?, timeout_ms?, tool_prefix?, scopes?,
 * tools?: { <tool>: { risk, scopes?, approval?, idempotent? } }, undeclared_tools? }`, or
 * `MCP_SERVERS_FILE` the path of a file holding it. `approval` is `always`, `never` or
 * `{ field, above }` (a person decides when that numeric argument is above the threshold).
 * @example MCP_SERVERS='[{"name":"crm","url":"http://crm:3000/mcp","tools":{"add_note":{"risk":"write"},"refund":{"risk":"irreversible","approval":{"field":"amountCents","above":50000}}}}]'
 */
function parseMcpServers(text: string | undefined, file: string | undefined): McpServerSettings[] {
  if (text && file) throw new AppError('BAD_REQUEST', 'Set MCP_SERVERS or MCP_SERVERS_FILE, not both');
  const variable = file ? 'MCP_SERVERS_FILE' : 'MCP_SERVERS';
  let source = text;
  if (file) {
    try {
      source = readFileSync(path.resolve(file), 'utf8');
    } catch (error) {
      throw new AppError('BAD_REQUEST', `MCP_SERVERS_FILE ${file} cannot be read`, { cause: error });
    }
  }
  if (!source) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch (error) {
    throw new AppError('BAD_REQUEST', `${variable} is not valid JSON`, { cause: error });
  }
  const parsed = z.array(mcpServerSchema).max(50).safeParse(raw);
  if (!parsed.success) {
    throw new AppError('BAD_REQUEST', `${variable} is invalid`, {
      details: parsed.error.issues.map((issue) => ({ variable: `${variable}.${issue.path.join('.')}`, message: issue.message })),
    });
  }
  const names = parsed.data.map((server) => server.name);
  if (new Set(names).size !== names.length) throw new AppError('BAD_REQUEST', `${variable} names the same server twice`);
  return parsed.data.map((server) => ({
    name: server.name,
    url: server.url,
    ...(server.headers ? { headers: server.headers } : {}),
    timeoutMs: server.timeout_ms,
    ...(server.tool_prefix !== undefined ? { toolPrefix: server.tool_prefix } : {}),
    ...(server.scopes ? { scopes: server.scopes } : {}),
    tools: server.tools,
    undeclaredTools: server.undeclared_tools,
  }));
}

/** A budget's limits; 0 means none. Tokens are input plus output tokens, costs are the price table's estimate. */
export interface BudgetLimits {
  runTokens: number;
  runCostUsd: number;
  dailyTokens: number;
  dailyCostUsd: number;
}

/** `BUDGET_*` for every tenant, and `BUDGET_TENANTS` over them for the tenants it names. */
export interface BudgetConfig {
  defaults: BudgetLimits;
  tenants: Record<string, Partial<BudgetLimits>>;
}

/** Where runs are traced: the LangSmith API (`LANGSMITH_ENDPOINT`), with its key, project and workspace. */
export interface LangSmithConfig {
  endpoint: string;
  apiKey?: string;
  project: string;
  workspaceId?: string;
}

/**
 * LangSmith is on when a tracing flag is `true`, as the langsmith SDK decides it (so `/info`
 * says what LangChain would do anyway), with the SDK's defaults for the endpoint and project.
 */
function parseLangSmith(values: z.infer<typeof environmentSchema>): LangSmithConfig | undefined {
  const flags = [values.LANGSMITH_TRACING_V2, values.LANGCHAIN_TRACING_V2, values.LANGSMITH_TRACING, values.LANGCHAIN_TRACING];
  if (!flags.some((flag) => flag?.toLowerCase() === 'true')) return undefined;
  return {
    endpoint: (values.LANGSMITH_ENDPOINT ?? values.LANGCHAIN_ENDPOINT ?? 'https://api.smith.langchain.com').replace(/\/+$/, ''),
    apiKey: values.LANGSMITH_API_KEY ?? values.LANGCHAIN_API_KEY,
    project: values.LANGSMITH_PROJECT ?? values.LANGCHAIN_PROJECT ?? 'default',
    workspaceId: values.LANGSMITH_WORKSPACE_ID,
  };
}

const tenantBudgetSchema = z.strictObject({
  run_tokens: z.number().int().min(0).optional(),
  run_cost_usd: z.number().min(0).optional(),
  daily_tokens: z.number().int().min(0).optional(),
  daily_cost_usd: z.number().min(0).optional(),
});

/**
 * `BUDGET_TENANTS` is a JSON object from tenant id to the limits that differ from `BUDGET_*`
 * for it (0: none for that tenant).
 * @example BUDGET_TENANTS='{"acme":{"daily_tokens":2000000,"daily_cost_usd":20},"trial":{"run_tokens":20000}}'
 */
function parseBudgetTenants(text: string | undefined): Record<string, Partial<BudgetLimits>> {
  if (!text) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AppError('BAD_REQUEST', 'BUDGET_TENANTS is not valid JSON', { cause: error });
  }
  const parsed = z.record(z.string().regex(tenantIdPattern, 'not a valid tenant id'), tenantBudgetSchema).safeParse(raw);
  if (!parsed.success) {
    throw new AppError('BAD_REQUEST', 'BUDGET_TENANTS is invalid', {
      details: parsed.error.issues.map((issue) => ({ variable: `BUDGET_TENANTS.${issue.path.join('.')}`, message: issue.message })),
    });
  }
  return Object.fromEntries(Object.entries(parsed.data).map(([tenant, limits]) => {
    const named: Partial<BudgetLimits> = {};
    if (limits.run_tokens !== undefined) named.runTokens = limits.run_tokens;
    if (limits.run_cost_usd !== undefined) named.runCostUsd = limits.run_cost_usd;
    if (limits.daily_tokens !== undefined) named.dailyTokens = limits.daily_tokens;
    if (limits.daily_cost_usd !== undefined) named.dailyCostUsd = limits.daily_cost_usd;
    return [tenant, named];
  }));
}

/** A model on the configured endpoint, or on another OpenAI-compatible one. */
export interface ModelEndpoint {
  model: string;
  baseUrl?: string;
  apiKey?: string;
}

const modelEndpointSchema = z.union([
  z.string().min(1).transform((model) => ({ model })),
  z.strictObject({ model: z.string().min(1), baseUrl: z.url().optional(), apiKey: z.string().min(1).optional() }),
]);
const modelFallbacksSchema = z.partialRecord(z.enum(['supervisor', 'retriever', 'executor', 'reviewer', '*']), z.array(modelEndpointSchema).max(5));

const modelPriceSchema = z.strictObject({
  input: z.number().min(0),
  output: z.number().min(0),
  cached_input: z.number().min(0).optional(),
});

/**
 * `MODEL_PRICES` is a JSON object from model name to its price in US dollars per million
 * tokens, over the defaults of `observability/model-prices.ts`.
 * @example MODEL_PRICES='{"gpt-4o-mini":{"input":0.15,"output":0.6,"cached_input":0.075},"llama3.1":{"input":0,"output":0}}'
 */
function parseModelPrices(text: string | undefined): Record<string, ModelPrice> {
  if (!text) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AppError('BAD_REQUEST', 'MODEL_PRICES is not valid JSON', { cause: error });
  }
  const parsed = z.record(z.string().min(1), modelPriceSchema).safeParse(raw);
  if (!parsed.success) {
    throw new AppError('BAD_REQUEST', 'MODEL_PRICES is invalid', {
      details: parsed.error.issues.map((issue) => ({ variable: `MODEL_PRICES.${issue.path.join('.')}`, message: issue.message })),
    });
  }
  return parsed.data;
}

/**
 * `MODEL_FALLBACKS` is a JSON object from role (or `*` for every role without its own entry) to
 * the models to try after the role's own, each a model name on the same endpoint or
 * `{ model, baseUrl?, apiKey? }` for another endpoint.
 * @example MODEL_FALLBACKS='{"executor":["gpt-4o",{"model":"llama3.1","baseUrl":"http://ollama:11434/v1"}]}'
 */
function parseModelFallbacks(text: string | undefined): Partial<Record<ModelRole, ModelEndpoint[]>> {
  if (!text) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AppError('BAD_REQUEST', 'MODEL_FALLBACKS is not valid JSON', { cause: error });
  }
  const parsed = modelFallbacksSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('BAD_REQUEST', 'MODEL_FALLBACKS is invalid', {
      details: parsed.error.issues.map((issue) => ({ variable: `MODEL_FALLBACKS.${issue.path.join('.')}`, message: issue.message })),
    });
  }
  const { '*': everyRole, ...byRole } = parsed.data;
  const roles: ModelRole[] = ['supervisor', 'retriever', 'executor', 'reviewer'];
  return Object.fromEntries(roles.flatMap((role) => {
    const chain = byRole[role] ?? everyRole;
    return chain ? [[role, chain]] : [];
  }));
}

/**
 * `API_KEYS` is a JSON array of `{ key | key_sha256, tenant, scopes, name? }`. Only digests are
 * kept: the parsed configuration never holds a key, and `key_sha256` keeps it out of the
 * environment as well.
 */
function parseApiKeys(text: string | undefined): ApiKey[] {
  if (!text) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AppError('BAD_REQUEST', 'API_KEYS is not valid JSON', { cause: error });
  }
  const parsed = z.array(apiKeySchema).safeParse(raw);
  if (!parsed.success) {
    throw new AppError('BAD_REQUEST', 'API_KEYS is invalid', {
      details: parsed.error.issues.map((issue) => ({ variable: `API_KEYS.${issue.path.join('.')}`, message: issue.message })),
    });
  }
  const apiKeys = parsed.data.map(({ key, key_sha256: keySha256, tenant, scopes, name }) => ({
    keySha256: keySha256?.toLowerCase() ?? createHash('sha256').update(key ?? '').digest('hex'),
    tenant,
    scopes,
    ...(name === undefined ? {} : { name }),
  }));
  if (new Set(apiKeys.map((apiKey) => apiKey.keySha256)).size !== apiKeys.length) {
    throw new AppError('BAD_REQUEST', 'API_KEYS contains the same key twice');
  }
  return apiKeys;
}

type EnvironmentValues = z.infer<typeof environmentSchema>;

/**
 * JWT settings, checked so a mistake fails start-up rather than a login: issuer and audience are
 * required, `none` is never accepted, and HMAC (`HS*`) only with `JWT_SECRET` and then alone, so
 * a public key can never be used as an HMAC secret (algorithm confusion).
 */
function parseJwtConfig(values: EnvironmentValues): JwtConfig | undefined {
  const sources = [values.JWT_JWKS_URL, values.JWT_PUBLIC_KEY, values.JWT_SECRET].filter((value) => value !== undefined);
  if (sources.length === 0) {
    if (values.JWT_ISSUER || values.JWT_AUDIENCE) {
      throw new AppError('BAD_REQUEST', 'JWT_ISSUER/JWT_AUDIENCE are set but no JWT_JWKS_URL, JWT_PUBLIC_KEY or JWT_SECRET');
    }
    return undefined;
  }
  if (sources.length > 1) throw new AppError('BAD_REQUEST', 'Set only one of JWT_JWKS_URL, JWT_PUBLIC_KEY and JWT_SECRET');
  if (!values.JWT_ISSUER || !values.JWT_AUDIENCE) throw new AppError('BAD_REQUEST', 'JWT verification needs JWT_ISSUER and JWT_AUDIENCE');
  const secret = values.JWT_SECRET;
  if (secret !== undefined && secret.length < 32) throw new AppError('BAD_REQUEST', 'JWT_SECRET must be at least 32 characters');
  const algorithms = (values.JWT_ALGORITHMS ?? (secret ? 'HS256' : 'RS256,ES256')).split(',').map((name) => name.trim()).filter(Boolean);
  for (const algorithm of algorithms) {
    if (algorithm.toLowerCase() === 'none') throw new AppError('BAD_REQUEST', 'JWT_ALGORITHMS must not include "none"');
    const allowed = secret ? symmetricAlgorithms : asymmetricAlgorithms;
    if (!allowed.includes(algorithm)) {
      throw new AppError('BAD_REQUEST', secret
        ? `JWT_ALGORITHMS with JWT_SECRET may only list ${symmetricAlgorithms.join(', ')}; "${algorithm}" is not one`
        : `JWT_ALGORITHMS may list ${asymmetricAlgorithms.join(', ')} (HS* only with JWT_SECRET); "${algorithm}" is not one`);
    }
  }
  if (values.JWT_DEFAULT_TENANT && !tenantIdPattern.test(values.JWT_DEFAULT_TENANT)) {
    throw new AppError('BAD_REQUEST', 'JWT_DEFAULT_TENANT is not a valid tenant id');
  }
  return {
    keys: values.JWT_JWKS_URL
      ? { kind: 'jwks', url: new URL(values.JWT_JWKS_URL), cooldownSeconds: values.JWT_JWKS_COOLDOWN_SECONDS }
      : secret
        ? { kind: 'secret', key: new TextEncoder().encode(secret) }
        : { kind: 'public_key', key: parsePublicKey(values.JWT_PUBLIC_KEY ?? '') },
    issuer: values.JWT_ISSUER,
    audience: values.JWT_AUDIENCE.split(',').map((audience) => audience.trim()).filter(Boolean),
    algorithms,
    clockSkewSeconds: values.JWT_CLOCK_SKEW_SECONDS,
    claims: { tenant: values.JWT_TENANT_CLAIM, scopes: values.JWT_SCOPES_CLAIM, name: values.JWT_NAME_CLAIM },
    defaultTenant: values.JWT_DEFAULT_TENANT,
  };
}

/** `JWT_PUBLIC_KEY` as a PEM (`\n` escapes allowed, as environments often carry them) or a JWK in JSON. */
function parsePublicKey(text: string): KeyObject {
  try {
    const key = text.startsWith('{')
      ? createPublicKey({ key: JSON.parse(text) as never, format: 'jwk' })
      : createPublicKey(text.replaceAll('\\n', '\n'));
    if (key.asymmetricKeyType === undefined) throw new Error('not an asymmetric key');
    return key;
  } catch (error) {
    throw new AppError('BAD_REQUEST', 'JWT_PUBLIC_KEY is neither a PEM public key nor a public JWK', { cause: error });
  }
}
