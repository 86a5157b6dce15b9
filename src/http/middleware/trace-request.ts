import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import { contextFromCarrier, failSpan, overseerTracer } from '../../observability/index.ts';
import type { AppEnv } from '../app-env.ts';

/**
 * An HTTP server span per request (stable HTTP conventions: method, route, path, status), in
 * the caller's trace when it sent a W3C `traceparent`; the request is handled inside it, so a
 * run it creates carries its trace context. Streaming bodies are not timed: the span ends when
 * the response starts. Mounted only when tracing is on.
 */
export const traceRequest = createMiddleware<AppEnv>(async (c, next) => {
  const parent = contextFromCarrier({ traceparent: c.req.header('traceparent'), tracestate: c.req.header('tracestate') });
  const url = new URL(c.req.url);
  const method = c.req.method;
  const span = overseerTracer().startSpan(method, {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': method,
      'url.path': url.pathname,
      'url.scheme': url.protocol.replace(':', ''),
      'server.address': url.hostname,
      ...(url.port ? { 'server.port': Number(url.port) } : {}),
      ...(c.req.header('user-agent') ? { 'user_agent.original': c.req.header('user-agent') } : {}),
      ...(c.var.requestId ? { 'overseer.request.id': c.var.requestId } : {}),
    },
  }, parent);
  try {
    await context.with(trace.setSpan(parent, span), next);
  } finally {
    const route = routePath(c, -1);
    if (route && route !== '*' && route !== '/*') {
      span.setAttribute('http.route', route);
      span.updateName(`${method} ${route}`);
    }
    const status = c.res.status;
    span.setAttribute('http.response.status_code', status);
    if (c.error) failSpan(span, c.error);
    else if (status >= 500) {
      span.setAttribute('error.type', String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  }
});
