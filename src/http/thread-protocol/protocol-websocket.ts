import { upgradeWebSocket } from '@hono/node-server';
import type { Context } from 'hono';
import type { WSContext } from 'hono/ws';
import { AppError } from '../../errors.ts';
import { toWireJson } from '../../runs/index.ts';
import type { AppEnv } from '../app-env.ts';
import { createCommandDispatch, type Dispatch } from './dispatch-command.ts';
import { createProtocolSocket, type ProtocolSocket, type ProtocolSocketOptions } from './protocol-socket.ts';
import type { ThreadProtocol } from './thread-protocol.ts';

const pingEveryMs = 15_000;
// A client that reads slower than its thread produces is dropped rather than buffered without
// end; the SDK reconnects and is replayed what the thread keeps.
const maxBufferedBytes = 8 * 1024 * 1024;

export interface ProtocolWebSocketOptions {
  protocol: ThreadProtocol;
  dispatch: Dispatch;
  parseFilter: ProtocolSocketOptions['parseFilter'];
  /** Whether a browser page of this origin may connect (the CORS policy's answer). */
  allowsOrigin: (origin: string) => boolean;
}

function textOf(data: unknown): string {
  if (typeof data === 'string') return data;
  return new TextDecoder().decode(data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array));
}

/**
 * `GET /threads/{id}/stream/events` upgraded to the thread protocol's WebSocket. By the time
 * this runs the upgrade request has passed the app's middleware like any request (API key or
 * JWT or langgraph.json's `authenticate`, tenant, rate limit, authorization handlers), so a
 * refused caller gets the HTTP status and its headers (`WWW-Authenticate`) instead of a socket.
 * Browsers send their page's origin and no CORS guards a WebSocket: only origins the CORS
 * policy allows may connect. Credentials that stop being accepted later (a revoked key, an
 * expired token) close the socket with 4401, which the SDK ends the stream on.
 */
export async function protocolWebSocket(c: Context<AppEnv>, threadId: string, options: ProtocolWebSocketOptions): Promise<Response> {
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
    throw new AppError('BAD_REQUEST', 'GET /threads/{thread_id}/stream/events is the WebSocket transport (Upgrade: websocket); over HTTP, POST the event filter to it');
  }
  const origin = c.req.header('origin');
  if (origin && !options.allowsOrigin(origin)) throw new AppError('FORBIDDEN', `WebSocket connections from ${origin} are not allowed (CORS_ORIGINS)`);
  const dispatch = createCommandDispatch(c.req.raw, threadId, options.dispatch);
  let socket: ProtocolSocket | undefined;
  let ping: NodeJS.Timeout | undefined;
  const stop = () => {
    clearInterval(ping);
    socket?.close();
  };
  const response = await upgradeWebSocket(c, {
    onOpen(_event, ws: WSContext) {
      const raw = ws.raw as { bufferedAmount?: number; ping?: () => void } | undefined;
      // Proxies close a quiet connection; a ping every so often keeps it and finds dead peers.
      ping = setInterval(() => raw?.ping?.(), pingEveryMs);
      socket = createProtocolSocket({
        send(message) {
          if ((raw?.bufferedAmount ?? 0) > maxBufferedBytes) return ws.close(1013, 'The client reads too slowly; reconnect to be replayed');
          ws.send(toWireJson(message));
        },
        async command(command) {
          const { reply, status } = await dispatch(command);
          if (status === 401) setImmediate(() => ws.close(4401, 'The credentials are no longer accepted'));
          return reply;
        },
        events: (subscribe) => options.protocol.events(c, threadId, subscribe),
        parseFilter: options.parseFilter,
      });
    },
    onMessage(event) {
      void socket?.receive(textOf(event.data));
    },
    onClose: stop,
    onError: stop,
  });
  // The Node server's helper answers 500 when no WebSocket server was given to it.
  if (response.status === 500) throw new AppError('INTERNAL', 'This server was started without a WebSocket server (the websocket option of @hono/node-server)');
  return response;
}
