export { createApp } from './create-app.ts';
export type { AppEnv } from './app-env.ts';
