import { serve, type ServerType } from '@hono/node-server';
import { createTestHarness, type TestHarness } from './test-services.ts';
import type { ServiceOverrides } from '../../src/services.ts';
import { createWebSocketServer } from '../../src/http/index.ts';

export interface TestServer extends TestHarness {
  url: string;
}

/** The real app on a real socket (port 0), for clients that speak HTTP: the SDK, fetch. */
export async function startTestServer(environment: Record<string, string> = {}, overrides: ServiceOverrides = {}): Promise<TestServer> {
  const harness = await createTestHarness(environment, overrides);
  let server!: ServerType;
  // As server.ts serves it: the thread protocol's WebSocket upgrades go through the app too.
  const webSockets = createWebSocketServer();
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: harness.app.fetch, hostname: '127.0.0.1', port: 0, websocket: { server: webSockets } }, (info) => resolve(info.port));
  });
  return {
    ...harness,
    url: `http://127.0.0.1:${port}`,
    async close() {
      // An open socket would keep the server from closing.
      for (const socket of webSockets.clients) socket.terminate();
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await harness.close();
    },
  };
}
