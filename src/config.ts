import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AppError } from './errors.ts';

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
  MODEL_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  MODEL_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  EMBEDDING_MODEL: optionalString,
  MAX_HOPS: z.coerce.number().int().min(1).max(50).default(8),
  MAX_TOOL_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  SAMPLE_AS_OF: z
    .union([z.literal('now'), z.iso.date(), z.iso.datetime()])
    .default('2026-04-01T12:00:00.000Z'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  API_KEYS: optionalString,
  CORS_ORIGINS: z.string().default('https://smith.langchain.com'),
  LANGGRAPH_CONFIG: optionalString,
  RUN_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(16),
  RUN_EVENT_RETENTION_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  RUN_EVENT_BUFFER: z.coerce.number().int().min(10).max(1_000_000).default(10_000),
  JSON_MAX_DEPTH: z.coerce.number().int().min(1).max(1_000).default(64),
  JSON_MAX_KEYS: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  JSON_MAX_ARRAY_LENGTH: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
});

const apiKeySchema = z.strictObject({
  key: z.string().min(16, 'API keys must be at least 16 characters'),
  tenant: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'tenant ids are 1-64 letters, digits, "_", "." or "-"'),
  scopes: z.array(z.string().min(1)).min(1),
  name: z.string().optional(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

// The sample knowledge base ships with the code, wherever DATA_DIR points.
const bundledKnowledgeBase = fileURLToPath(new URL('../data/knowledge-base', import.meta.url));

export type ModelRole = 'supervisor' | 'retriever' | 'executor' | 'reviewer';

export interface Config {
  environment: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  sqlitePath: string;
  knowledgeBaseDir: string;
  redis?: { url: string; keyPrefix: string };
  qdrant?: { url: string; apiKey?: string; collection: string };
  models: {
    provider: 'openai' | 'offline';
    apiKey?: string;
    baseUrl?: string;
    names: Record<ModelRole, string>;
    timeoutMs: number;
    maxRetries: number;
    embeddingModel?: string;
  };
  limits: { maxHops: number; maxToolAttempts: number };
  /**
   * When the sample orders domain thinks it is: its seeded orders live in early 2026, so by
   * default its tools see the world from 2026-04-01 on (time passes from start-up); `now` uses
   * the real clock. Approvals, audit and runs always use the real clock.
   */
  sampleAsOf: Date | 'now';
  /** API keys, each with a tenant and scopes; empty means open mode (loopback only). */
  apiKeys: ApiKey[];
  /** Browser origins allowed to call the API (LangGraph Studio's by default). */
  corsOrigins: string[];
  /** A langgraph.json whose graphs to serve instead of Overseer's own. */
  langgraphConfig?: string;
  runs: { concurrency: number; eventRetentionSeconds: number; eventBuffer: number };
  /**
   * The most a JSON request body may nest and hold per object or array, checked before it is
   * parsed: a LangGraph payload nests about 10 deep, and values deeper than a few thousand
   * levels overflow the stack wherever they are serialized.
   */
  jsonLimits: { maxDepth: number; maxKeys: number; maxArrayLength: number };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
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
    knowledgeBaseDir: path.resolve(values.KNOWLEDGE_BASE_DIR ?? bundledKnowledgeBase),
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
      timeoutMs: values.MODEL_TIMEOUT_MS,
      maxRetries: values.MODEL_MAX_RETRIES,
      embeddingModel: values.EMBEDDING_MODEL,
    },
    limits: { maxHops: values.MAX_HOPS, maxToolAttempts: values.MAX_TOOL_ATTEMPTS },
    sampleAsOf: values.SAMPLE_AS_OF === 'now' ? 'now' : new Date(values.SAMPLE_AS_OF),
    apiKeys: parseApiKeys(values.API_KEYS),
    corsOrigins: values.CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean),
    langgraphConfig: values.LANGGRAPH_CONFIG ? path.resolve(values.LANGGRAPH_CONFIG) : undefined,
    runs: {
      concurrency: values.RUN_CONCURRENCY,
      eventRetentionSeconds: values.RUN_EVENT_RETENTION_SECONDS,
      eventBuffer: values.RUN_EVENT_BUFFER,
    },
    jsonLimits: { maxDepth: values.JSON_MAX_DEPTH, maxKeys: values.JSON_MAX_KEYS, maxArrayLength: values.JSON_MAX_ARRAY_LENGTH },
    logLevel: values.LOG_LEVEL,
  };
}

/** `API_KEYS` is a JSON array of `{ key, tenant, scopes, name? }`. */
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
  const keys = new Set(parsed.data.map((apiKey) => apiKey.key));
  if (keys.size !== parsed.data.length) throw new AppError('BAD_REQUEST', 'API_KEYS contains the same key twice');
  return parsed.data;
}
