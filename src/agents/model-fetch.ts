/** A model call given up on: nothing arrived for `idleMs`, or the whole call outlasted its limit. */
export class ModelTimeoutError extends Error {
  readonly kind: 'idle' | 'call';
  readonly timeoutMs: number;

  constructor(kind: 'idle' | 'call', timeoutMs: number) {
    super(kind === 'idle' ? `no data from the model for ${timeoutMs} ms` : `the model call took longer than ${timeoutMs} ms`);
    // Not `AbortError`: the OpenAI SDK ends a stream silently on an abort, and this must surface.
    this.name = 'TimeoutError';
    this.kind = kind;
    this.timeoutMs = timeoutMs;
  }
}

export interface ModelFetchOptions {
  /** The whole call, headers and body, in milliseconds. */
  callTimeoutMs: number;
  /** Longest silence once the response has started (between streamed chunks), in milliseconds. */
  idleTimeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * The `fetch` given to the OpenAI SDK. The SDK's own `timeout` stops waiting for headers but not
 * for a streamed body, so a stream that stalls mid-way would hold the run for ever: this one
 * cuts a body that goes quiet for `idleTimeoutMs` or runs past `callTimeoutMs`, aborting the
 * connection and failing the read with a `ModelTimeoutError`.
 * @example new ChatOpenAI({ configuration: { fetch: createModelFetch({ callTimeoutMs: 60_000, idleTimeoutMs: 20_000 }) } })
 */
export function createModelFetch(options: ModelFetchOptions): typeof fetch {
  const inner = options.fetch ?? globalThis.fetch;
  return async (input, init) => {
    const startedAt = Date.now();
    const connection = new AbortController();
    const callerSignal = init?.signal ?? undefined;
    const forward = () => connection.abort(callerSignal?.reason);
    if (callerSignal?.aborted) forward();
    else callerSignal?.addEventListener('abort', forward, { once: true });
    let response: Response;
    try {
      response = await inner(input, { ...init, signal: connection.signal });
    } catch (error) {
      callerSignal?.removeEventListener('abort', forward);
      throw error;
    }
    if (!response.body) {
      callerSignal?.removeEventListener('abort', forward);
      return response;
    }
    const reader = response.body.getReader();
    const finish = () => callerSignal?.removeEventListener('abort', forward);
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const remaining = options.callTimeoutMs - (Date.now() - startedAt);
        const idle = remaining < options.idleTimeoutMs ? undefined : options.idleTimeoutMs;
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const error = idle === undefined ? new ModelTimeoutError('call', options.callTimeoutMs) : new ModelTimeoutError('idle', idle);
            connection.abort(error);
            reject(error);
          }, Math.max(0, idle ?? remaining));
        });
        try {
          const chunk = await Promise.race([reader.read(), expired]);
          if (chunk.done) {
            finish();
            controller.close();
          } else {
            controller.enqueue(chunk.value);
          }
        } catch (error) {
          finish();
          controller.error(error);
        } finally {
          clearTimeout(timer);
        }
      },
      async cancel(reason) {
        finish();
        await reader.cancel(reason).catch(() => undefined);
      },
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
