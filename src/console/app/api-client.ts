/** An error the API answered (or the network gave), in words a person can act on. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

/** One server-sent event of a run's stream. */
export interface StreamEvent {
  id?: string;
  event: string;
  data: unknown;
}

export type Query = Record<string, string | number | undefined>;

export interface Api {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  /** Read an SSE response event by event until it ends or `signal` aborts. */
  stream(path: string, onEvent: (event: StreamEvent) => void, signal: AbortSignal): Promise<void>;
}

function withQuery(path: string, query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

async function toApiError(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: unknown } } | null;
  const code = body?.error?.code ?? `HTTP_${response.status}`;
  if (response.status === 401) return new ApiError(401, code, 'The server did not accept your key or token. Sign in again.');
  return new ApiError(response.status, code, body?.error?.message ?? `The server answered ${response.status} ${response.statusText}`, body?.error?.details);
}

/** Parse SSE blocks from a text buffer; returns the events and what is left unparsed. */
export function parseSseBlocks(buffer: string): { events: StreamEvent[]; rest: string } {
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  const events: StreamEvent[] = [];
  for (const block of blocks) {
    const lines = block.split(/\r?\n/).filter((line) => line && !line.startsWith(':'));
    if (lines.length === 0) continue;
    const field = (name: string) => lines.filter((line) => line.startsWith(`${name}:`)).map((line) => line.slice(name.length + 1).replace(/^ /, ''));
    const data = field('data').join('\n');
    let parsed: unknown = data;
    try {
      parsed = data ? JSON.parse(data) : null;
    } catch {
      // Not JSON: keep the text.
    }
    events.push({ ...(field('id')[0] === undefined ? {} : { id: field('id')[0] }), event: field('event')[0] ?? 'message', data: parsed });
  }
  return { events, rest };
}

/**
 * The API as the console calls it: same origin, the credential as a bearer header (an API key
 * or a JWT; the server tells them apart), JSON in and out, errors as `ApiError`.
 */
export function createApi(base: string, credential: string | null): Api {
  const headers = (extra: Record<string, string> = {}): Record<string, string> =>
    credential ? { authorization: `Bearer ${credential}`, ...extra } : extra;
  async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(base + path, {
        method,
        headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'The server could not be reached. Check that it is running and try again.');
    }
    if (!response.ok) throw await toApiError(response);
    if (response.status === 204 || response.status === 202) return undefined as T;
    return (await response.json()) as T;
  }
  return {
    get: (path, query) => send('GET', withQuery(path, query)),
    post: (path, body) => send('POST', path, body ?? {}),
    async stream(path, onEvent, signal) {
      const response = await fetch(base + path, { headers: headers({ accept: 'text/event-stream', 'last-event-id': '-1' }), signal });
      if (!response.ok || !response.body) throw await toApiError(response);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const parsed = parseSseBlocks(buffer + value);
        buffer = parsed.rest;
        for (const event of parsed.events) onEvent(event);
      }
    },
  };
}
