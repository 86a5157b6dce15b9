import { WebSocketServer } from 'ws';

// The largest command a socket takes, as the HTTP body limit.
const maxMessageBytes = 1024 * 1024;

/**
 * The WebSocket server `@hono/node-server` hands upgrades to (its `websocket` option), for the
 * thread protocol's `GET /threads/{id}/stream/events`. An upgrade goes through the app like any
 * request first, so one the app refuses (no credentials, another owner's thread) is answered
 * with that status and its headers and never becomes a socket.
 * @example createAdaptorServer({ fetch: app.fetch, websocket: { server: createWebSocketServer() } });
 */
export function createWebSocketServer(): WebSocketServer {
  return new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
}
