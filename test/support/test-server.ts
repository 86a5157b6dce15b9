import { serve, type ServerType } from '@hono/node-server';
import { createTestHarness, type TestHarness } from './test-services.ts';
import type { ServiceOverrides } from '../../src/services.ts';

export interface TestServer extends TestHarness {
  url: string;
}

/** The real app on a real socket (port 0), for clients that speak HTTP: the SDK, fetch. */
export async function startTestServer(environment: Record<string, string> = {}, overrides: ServiceOverrides = {}): Promise<TestServer> {
  const harness = await createTestHarness(environment, overrides);
  let server!: ServerType;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: harness.app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(info.port));
  });
  return {
    ...harness,
    url: `http://127.0.0.1:${port}`,
    async close() {
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await harness.close();
    },
  };
}
