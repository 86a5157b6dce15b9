import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { toPublicError } from '../errors.ts';
import type { RunEvent } from '../runs/index.ts';
import { toWireJson } from '../runs/index.ts';

const keepAliveMs = 15_000;

/**
 * The only place that knows the SSE wire format: `event:` names as the LangGraph API uses
 * them, monotonically increasing `id:`s, keep-alive comments while a run is quiet, and a
 * masked `error` event if the producer fails.
 */
export function sseResponse(c: Context, events: AsyncIterable<RunEvent>, options: { onAbort?: () => void } = {}) {
  const response = streamSSE(c, async (stream) => {
    let sequence = 0;
    const keepAlive = setInterval(() => {
      void stream.write(': keep-alive\n\n');
    }, keepAliveMs);
    stream.onAbort(() => options.onAbort?.());
    try {
      for await (const event of events) {
        if (stream.aborted) break;
        sequence += 1;
        await stream.writeSSE({ id: String(sequence), event: event.event, data: toWireJson(event.data) });
      }
    } catch (error) {
      const shown = toPublicError(error);
      sequence += 1;
      await stream.writeSSE({ id: String(sequence), event: 'error', data: JSON.stringify({ error: shown.code, message: shown.message }) });
      if (shown.code === 'INTERNAL') console.error('run stream failed:', error);
    } finally {
      clearInterval(keepAlive);
    }
  });
  // Set after streamSSE, which writes its own plain `no-cache`.
  response.headers.set('Cache-Control', 'no-cache, no-transform');
  response.headers.set('X-Accel-Buffering', 'no');
  return response;
}
