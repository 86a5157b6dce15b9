import type { Services } from '../services.ts';
import { createCustomAuth } from './custom-auth/index.ts';

/**
 * Open mode: nobody is asked who they are. That is so without API keys, without JWT verification
 * and without an `authenticate` handler in langgraph.json's `auth.path` (a module with only
 * authorization handlers still lets anyone in, as an unauthenticated user). The server allows
 * it on loopback only, and only then lets local front ends' origins in.
 * @example if (isOpenMode(services) && !loopback) refuseToStart();
 */
export function isOpenMode(services: Pick<Services, 'config' | 'langgraphExtensions'>): boolean {
  const { apiKeys, jwt } = services.config;
  if (apiKeys.length > 0 || jwt) return false;
  const auth = services.langgraphExtensions?.auth;
  return !(auth && createCustomAuth(auth.value, auth.reference).authenticate);
}
