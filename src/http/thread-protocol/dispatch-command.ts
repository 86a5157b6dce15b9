import { failure, protocolErrorCodeOf, type ProtocolCommand, type ProtocolReply } from './protocol-messages.ts';

/** The whole app's `fetch`, middleware and all. */
export type Dispatch = (request: Request) => Response | Promise<Response>;

// What belongs to the upgrade itself, not to the caller; a request id is each command's own.
const upgradeOnly = new Set(['connection', 'upgrade', 'content-length', 'content-type', 'transfer-encoding', 'x-request-id']);

/**
 * A WebSocket command as `POST /threads/{id}/commands` with the upgrade request's credentials
 * (and whatever else the caller sent with it: a custom `authenticate` handler may read any
 * header or cookie), through the whole app: each command is authenticated again, counted by the
 * rate limit, asked of langgraph.json's authorization handlers and logged, exactly as over HTTP.
 * A refusal of the HTTP layer becomes the protocol's error reply; `status` tells the socket
 * whether the credentials themselves were refused (401).
 */
export function createCommandDispatch(upgrade: Request, threadId: string, dispatch: Dispatch) {
  const headers = new Headers();
  upgrade.headers.forEach((value, name) => {
    if (!upgradeOnly.has(name) && !name.startsWith('sec-websocket-')) headers.set(name, value);
  });
  headers.set('content-type', 'application/json');
  const url = new URL(`/threads/${encodeURIComponent(threadId)}/commands`, upgrade.url);

  return async (command: ProtocolCommand): Promise<{ reply: ProtocolReply; status: number }> => {
    const response = await dispatch(new Request(url, { method: 'POST', headers, body: JSON.stringify(command) }));
    const body = (await response.json().catch(() => undefined)) as { type?: unknown; error?: { message?: unknown } } | undefined;
    if (response.ok && (body?.type === 'success' || body?.type === 'error')) return { reply: body as ProtocolReply, status: response.status };
    const message = typeof body?.error?.message === 'string' ? body.error.message : `The command failed (HTTP ${response.status})`;
    return { reply: failure(command.id, protocolErrorCodeOf(response.status), message), status: response.status };
  };
}
