export { SqliteCheckpointSaver } from './sqlite-checkpoint-saver.ts';
export type { SqliteCheckpointSaverOptions } from './sqlite-checkpoint-saver.ts';
export { RedisCheckpointSaver } from './redis-checkpoint-saver.ts';
export type { RedisCheckpointSaverOptions } from './redis-checkpoint-saver.ts';
export { createRedisClient, recommendedRedisOptions } from './redis-client.ts';
export { defaultTenant, tenantOf } from './checkpoint-tenant.ts';
export { createTenantCheckpointer } from './tenant-checkpointer.ts';
