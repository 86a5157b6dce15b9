import { SpanStatusCode, trace, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';

let cached: { provider: TracerProvider; tracer: Tracer } | undefined;

/**
 * Overseer's tracer, from whichever provider is registered (ours from `createTracing`, or an
 * embedding application's); a no-op when none is. Kept while the global provider stays the same
 * object: asking the SDK for a tracer at every span (a key string and a map lookup each time)
 * was a measurable part of a traced run. A provider registered later is still picked up: the
 * API's global is a proxy whose tracers find its delegate when it is set, and unregistering
 * (`trace.disable()`, as `createTracing`'s shutdown does) replaces the proxy.
 */
export function overseerTracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (cached?.provider !== provider) cached = { provider, tracer: provider.getTracer('overseer', '0.1.0') };
  return cached.tracer;
}

/** End `span` as failed by `error`: its exception event, `error.type` and an error status. */
export function failSpan(span: Span, error: unknown, type?: string): void {
  const shown = error instanceof Error ? error : new Error(String(error));
  span.recordException(shown);
  span.setAttribute('error.type', type ?? errorTypeOf(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: shown.message.slice(0, 200) });
}

/** An `AppError`'s code, else the error's class name. */
export function errorTypeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code !== '') return code;
  return error instanceof Error ? error.name : '_OTHER';
}
