/** Overseer's embedding API: graphs, services, the Hono app and the checkpointers. */
export * from './graphs/index.ts';
export { createApp, type AppEnv } from './http/index.ts';
export { createServices, type Services, type ServiceOverrides } from './services.ts';
export { loadConfig, type Config } from './config.ts';
export { AppError, type ErrorCode } from './errors.ts';
export { createModels, createOfflineModels, ScriptedChatModel, OfflineChatModel, type ModelsByRole } from './agents/index.ts';
