import type { DatabaseSync } from 'node:sqlite';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import type { Redis } from 'ioredis';
import { createModels, type ModelsByRole } from './agents/index.ts';
import { createRedisClient, RedisCheckpointSaver, SqliteCheckpointSaver } from './checkpoint/index.ts';
import type { Config } from './config.ts';
import { createGraphs, defaultTenantId, type CompiledGraphs } from './graphs/index.ts';
import { createSqliteRetriever, ingestDirectory, type Retriever, type UpsertReport } from './retrieval/index.ts';
import { openDatabase } from './storage/index.ts';
import {
  createOrderTools,
  createSqliteEffectLedger,
  createToolRegistry,
  ensureOrdersSchema,
  seedOrders,
  type EffectLedger,
  type ToolRegistry,
} from './tools/index.ts';

export interface Services {
  config: Config;
  database: DatabaseSync;
  checkpointer: BaseCheckpointSaver;
  retriever: Retriever;
  tools: ToolRegistry;
  effects: EffectLedger;
  models: ModelsByRole;
  graphs: CompiledGraphs;
  /** What loading the sample knowledge base did at start-up. */
  knowledgeBase: UpsertReport;
  close(): Promise<void>;
}

/** Test hooks: parts to use instead of the ones built from configuration. */
export interface ServiceOverrides {
  models?: ModelsByRole;
  clock?: () => Date;
}

/**
 * Build every long-lived part once, from configuration: the embedded SQLite database
 * (orders, retrieval index, effect ledger, and checkpoints unless Redis is configured), the
 * models, the tool registry and the graphs.
 * @example const services = await createServices(loadConfig());
 */
export async function createServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const database = openDatabase(config.sqlitePath);
  let redis: Redis | undefined;
  try {
    ensureOrdersSchema(database);
    seedOrders(database);
    const retriever = createSqliteRetriever({ database });
    const knowledgeBase = await ingestDirectory(retriever, config.knowledgeBaseDir, { tenantId: defaultTenantId });
    const tools = createToolRegistry(createOrderTools({ database, clock: overrides.clock }));
    const effects = createSqliteEffectLedger(database);
    const models = overrides.models ?? createModels(config.models);
    let checkpointer: BaseCheckpointSaver;
    if (config.redis) {
      redis = createRedisClient(config.redis.url);
      watchRedisHealth(redis);
      checkpointer = new RedisCheckpointSaver({ client: redis, keyPrefix: `${config.redis.keyPrefix}checkpoint:` });
    } else {
      checkpointer = new SqliteCheckpointSaver({ database });
    }
    const graphs = createGraphs({
      models,
      retriever,
      tools,
      effects,
      checkpointer,
      limits: { maxHops: config.limits.maxHops, maxToolAttempts: config.limits.maxToolAttempts },
    });
    return {
      config,
      database,
      checkpointer,
      retriever,
      tools,
      effects,
      models,
      graphs,
      knowledgeBase,
      async close() {
        await retriever.close();
        redis?.disconnect();
        database.close();
      },
    };
  } catch (error) {
    redis?.disconnect();
    database.close();
    throw error;
  }
}

/** Log an outage once when it starts and once when it ends, not on every reconnect attempt. */
function watchRedisHealth(redis: Redis): void {
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    console.error(`Redis unavailable (${error.message}); runs needing checkpoints fail with STORAGE_ERROR until it returns`);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    console.log('Redis available again');
  });
}
