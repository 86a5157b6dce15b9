import { context, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { useInMemoryTracing } from '../../test/support/in-memory-tracing.ts';
import { currentLogContext, withLogContext } from './log-context.ts';
import { overseerTracer } from './overseer-tracer.ts';
import { contextFromCarrier, currentTraceCarrier, traceHeaders } from './trace-context.ts';

const exporter = useInMemoryTracing();

describe('trace context', () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('carries a caller\'s context into a stored record and back, with tracestate', () => {
    const parent = contextFromCarrier({ traceparent, tracestate: 'vendor=1' });
    const span = overseerTracer().startSpan('work', {}, parent);
    const carrier = context.with(trace.setSpan(parent, span), () => currentTraceCarrier());
    span.end();
    expect(carrier).toEqual({ traceparent: `00-4bf92f3577b34da6a3ce929d0e0e4736-${span.spanContext().spanId}-01`, tracestate: 'vendor=1' });
    expect(trace.getSpanContext(contextFromCarrier(carrier))).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: span.spanContext().spanId, isRemote: true });
  });

  it('has nothing to carry outside a span, and outgoing headers fall back to a stored carrier', () => {
    expect(currentTraceCarrier()).toBeUndefined();
    expect(traceHeaders()).toEqual({});
    expect(traceHeaders({ traceparent })).toEqual({ traceparent });
    expect(contextFromCarrier({ traceparent: 'not-a-traceparent' })).toBe(contextFromCarrier(undefined));
  });

  it('gives log lines the active span\'s trace and span ids over the caller\'s trace id', () => {
    const span = overseerTracer().startSpan('request', {}, contextFromCarrier({ traceparent }));
    const fields = withLogContext({ request_id: 'r-1', trace_id: 'ffffffffffffffffffffffffffffffff' }, () =>
      context.with(trace.setSpan(context.active(), span), () => currentLogContext()));
    span.end();
    expect(fields).toEqual({ request_id: 'r-1', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: span.spanContext().spanId });
    // Outside any span, the caller's id stays.
    expect(withLogContext({ trace_id: 'ffffffffffffffffffffffffffffffff' }, () => currentLogContext())).toEqual({ trace_id: 'ffffffffffffffffffffffffffffffff' });
  });
});
