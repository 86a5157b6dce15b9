import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { createApp } from '../../src/http/index.ts';
import { createServices, type ServiceOverrides, type Services } from '../../src/services.ts';
import { ordersReferenceDate } from '../../src/domains/brightcart/index.ts';

export interface TestHarness {
  services: Services;
  app: ReturnType<typeof createApp>;
  /** JSON request through the real Hono app. */
  post(route: string, body: unknown): Promise<Response>;
  close(): Promise<void>;
}

/** A fresh embedded service in a temporary data directory (own SQLite file, seeded orders, KB). */
export async function createTestHarness(
  environment: Record<string, string> = {},
  overrides: ServiceOverrides = {},
): Promise<TestHarness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'overseer-test-'));
  // Quiet by default: a test that reads the logs passes its own LOG_LEVEL (and a logger).
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...environment });
  // The seeded orders' stories are told as of `ordersReferenceDate`; tests see the world then.
  const services = await createServices(config, { clock: () => ordersReferenceDate, ...overrides });
  // As the server does once it listens: settle what a stopped process left (no-op with `recoverRuns: false`).
  await services.recoverRuns().catch(async (error: unknown) => {
    await services.close();
    throw error;
  });
  const app = createApp(services);
  return {
    services,
    app,
    post: async (route, body) =>
      app.request(route, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async close() {
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SseEvent {
  id?: string;
  event: string;
  data: unknown;
}

/** Parse a complete SSE body into events (comments skipped). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\n\n+/)) {
    const lines = block.split('\n').filter((line) => line && !line.startsWith(':'));
    if (lines.length === 0) continue;
    const field = (name: string) =>
      lines.filter((line) => line.startsWith(`${name}:`)).map((line) => line.slice(name.length + 1).replace(/^ /, ''));
    const data = field('data').join('\n');
    events.push({ id: field('id')[0], event: field('event')[0] ?? 'message', data: data ? JSON.parse(data) : null });
  }
  return events;
}

/** The refunds recorded for an order. */
export function refundsOf(services: Services, orderId: number): Array<Record<string, unknown>> {
  return services.database.prepare('SELECT * FROM refunds WHERE order_id = ?').all(orderId) as Array<Record<string, unknown>>;
}

export const userMessage = (content: string) => ({ messages: [{ role: 'user', content }] });
