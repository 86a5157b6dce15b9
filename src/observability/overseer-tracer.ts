import { SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';

/**
 * Overseer's tracer, from whichever provider is registered (ours from `createTracing`, or an
 * embedding application's); a no-op when none is. Asked for at each span, so a provider
 * registered later is picked up.
 */
export function overseerTracer(): Tracer {
  return trace.getTracer('overseer', '0.1.0');
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
