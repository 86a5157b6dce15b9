import { defaultLogger } from '../observability/index.ts';
import { toWireJson } from './to-wire-json.ts';

/**
 * Tell the run's webhook that it finished, in the run's W3C trace context. Best effort with a
 * bounded retry: a webhook that is down must never hold up or fail the run.
 */
export async function sendWebhook(
  url: string,
  payload: unknown,
  fetchImplementation: typeof fetch = fetch,
  /** `traceparent`/`tracestate` of the run, so the receiver joins its trace. */
  traceHeaders: Record<string, string> = {},
): Promise<boolean> {
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    try {
      const response = await fetchImplementation(url, {
        method: 'POST',
        headers: { ...traceHeaders, 'content-type': 'application/json' },
        body: toWireJson(payload),
        signal: AbortSignal.timeout(5_000),
      });
      if (response.ok) return true;
      if (response.status < 500 && response.status !== 429) return false;
    } catch {
      // network error or timeout: try again
    }
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
  defaultLogger().warn({ webhook_host: new URL(url).host }, 'webhook did not accept the run result after 3 attempts');
  return false;
}
