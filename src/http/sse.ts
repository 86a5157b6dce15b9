import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { toPublicError } from '../errors.ts';
import { toWireJson, type RunEvent } from '../runs/index.ts';
import { logError } from '../observability/index.ts';

const keepAliveMs = 15_000;

export interface SseOptions {
  /** Called when the client goes away before the stream ends. */
  onDisconnect?: () => void;
}

/**
 * The only place that knows the SSE wire format: `event:` names as the LangGraph API uses
 * them, the run's monotonically increasing `id:`s (so `Last-Event-ID` can resume), keep-alive
 * comments while a run is quiet, and a masked `error` event if the producer fails.
 */
export function sseResponse(c: Context, events: AsyncIterable<RunEvent & { id?: number | string }>, options: SseOptions = {}) {
  const response = streamSSE(c, async (stream) => {
    // Numbers on a run's stream; a thread's stream names its events `<run_id>:<n>` (no next id to give an error).
    let lastId: number | string = -1;
    let finished = false;
    const keepAlive = setInterval(() => {
      void stream.write(': keep-alive\n\n');
    }, keepAliveMs);
    stream.onAbort(() => {
      if (!finished) options.onDisconnect?.();
    });
    try {
      for await (const event of events) {
        if (stream.aborted) break;
        lastId = event.id ?? (typeof lastId === 'number' ? lastId + 1 : lastId);
        await stream.writeSSE({ id: String(lastId), event: event.event, data: toWireJson(event.data) });
      }
    } catch (error) {
      const shown = toPublicError(error);
      if (shown.code === 'INTERNAL') logError('run stream failed:', error);
      await stream.writeSSE({ ...(typeof lastId === 'number' ? { id: String(lastId + 1) } : {}), event: 'error', data: JSON.stringify({ error: shown.code, message: shown.message }) });
    } finally {
      finished = true;
      clearInterval(keepAlive);
    }
  });
  // Set after streamSSE, which writes its own plain `no-cache`: on the response itself, and on
  // the context, whose headers Hono reapplies when later middleware (CORS) rebuilds the response.
  for (const [name, value] of [['Cache-Control', 'no-cache, no-transform'], ['X-Accel-Buffering', 'no']] as const) {
    response.headers.set(name, value);
    c.header(name, value);
  }
  return response;
}
