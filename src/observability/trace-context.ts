import { context, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** A W3C trace context as it travels in headers, a run record or a queue job. */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

// The W3C propagator itself, not the global one: a run's context is carried whether or not
// an application registered a propagator, and never as anything else (baggage stays out).
const propagator = new W3CTraceContextPropagator();

const setter = { set: (carrier: Record<string, string>, key: string, value: string) => { carrier[key] = value; } };
const getter = {
  keys: (carrier: Record<string, string | undefined>) => Object.keys(carrier),
  get: (carrier: Record<string, string | undefined>, key: string) => carrier[key] ?? carrier[key.toLowerCase()],
};

/**
 * The trace context of the span being worked in (the HTTP request's, the run's, a tool call's),
 * to store with work that runs later or elsewhere; undefined when nothing is traced.
 * @example const run = { ..., kwargs: { ..., trace_context: currentTraceCarrier() } };
 */
export function currentTraceCarrier(from: Context = context.active()): TraceCarrier | undefined {
  const span = trace.getSpan(from);
  if (!span || !trace.isSpanContextValid(span.spanContext())) return undefined;
  const carrier: Record<string, string> = {};
  propagator.inject(from, carrier, setter);
  return carrier.traceparent ? { traceparent: carrier.traceparent, ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}) } : undefined;
}

/** The context a carrier (or request headers) describes, under which spans join the caller's trace. */
export function contextFromCarrier(carrier: Partial<TraceCarrier> | Record<string, string | undefined> | undefined, base: Context = ROOT_CONTEXT): Context {
  if (!carrier) return base;
  return propagator.extract(base, carrier as Record<string, string | undefined>, getter);
}

/**
 * `traceparent` (and `tracestate`) for an outgoing request: the active span's context, or the
 * given carrier's when nothing is active here (a webhook sent after its run's span ended).
 * @example await fetch(url, { headers: { ...traceHeaders(), 'content-type': 'application/json' } });
 */
export function traceHeaders(fallback?: TraceCarrier): Record<string, string> {
  const carrier = currentTraceCarrier() ?? fallback;
  return carrier ? { ...carrier } : {};
}

/** The ids of the active span, for log lines; undefined outside a traced span. */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const span = trace.getSpan(context.active());
  if (!span) return undefined;
  const { traceId, spanId } = span.spanContext();
  return trace.isSpanContextValid(span.spanContext()) ? { trace_id: traceId, span_id: spanId } : undefined;
}
