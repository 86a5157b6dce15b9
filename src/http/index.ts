export { createApp } from './create-app.ts';
export type { AppEnv } from './app-env.ts';
export { createWebSocketServer } from './websocket-server.ts';
export { isOpenMode } from './open-mode.ts';
