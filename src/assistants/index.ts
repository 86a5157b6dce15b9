export type { AssistantRecord, AssistantVersion, AssistantPatch, AssistantConfig } from './assistant-record.ts';
export type { AssistantRepository, AssistantSearch } from './assistant-repository.ts';
export { createSqliteAssistantRepository } from './sqlite-assistant-repository.ts';
export { createRedisAssistantRepository, type RedisAssistantRepositoryOptions } from './redis-assistant-repository.ts';
