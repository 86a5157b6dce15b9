import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll } from 'vitest';
import type { ServiceOverrides } from '../../src/services.ts';
import { startTestServer, type TestServer } from './test-server.ts';

/**
 * A listening server for the suite and the official SDK client pointed at it: started before
 * the suite's tests, closed after them. `ready` receives both once the server listens.
 * @example
 * let server: TestServer; let client: Client;
 * useSdkServer({ LANGGRAPH_CONFIG: fixtures }, (started) => ({ server, client } = started));
 */
export function useSdkServer(
  environment: Record<string, string>,
  ready: (started: { server: TestServer; client: Client }) => void,
  overrides: ServiceOverrides = {},
): void {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(environment, overrides);
    ready({ server, client: new Client({ apiUrl: server.url }) });
  });
  afterAll(async () => {
    await server?.close();
  });
}
