import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
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
  const traceparent = c.req.header('traceparent');
  // Most callers send no trace context: nothing to parse, the span starts a trace.
  const parent = traceparent ? contextFromCarrier({ traceparent, tracestate: c.req.header('tracestate') }) : ROOT_CONTEXT;
  const url = urlPartsOf(c.req.url);
  const method = c.req.method;
  const attributes: Attributes = {
    'http.request.method': method,
    'url.path': url.path,
    'url.scheme': url.scheme,
    'server.address': url.address,
  };
  if (url.port !== undefined) attributes['server.port'] = url.port;
  const userAgent = c.req.header('user-agent');
  if (userAgent) attributes['user_agent.original'] = userAgent;
  if (c.var.requestId) attributes['overseer.request.id'] = c.var.requestId;
  const span = overseerTracer().startSpan(method, { kind: SpanKind.SERVER, attributes }, parent);
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

const defaultPorts: Record<string, number> = { http: 80, https: 443 };

/** The parts of a request URL a server span names. */
export interface UrlParts {
  scheme: string;
  address: string;
  port?: number;
  path: string;
}

/**
 * Scheme, host, port and path of a request URL as `new URL` gives them (host lowercased, a
 * default port left out, the path as sent), read by scanning its start: parsing the whole URL
 * at every request showed up in the traced server's profile. Dot segments stay as the client
 * sent them (`new URL` would resolve them). A URL with credentials falls back to `new URL`.
 */
export function urlPartsOf(url: string): UrlParts {
  const schemeEnd = url.indexOf('://');
  const authorityStart = schemeEnd + 3;
  const authorityEnd = endOf(url, authorityStart, true);
  const authority = url.slice(authorityStart, authorityEnd);
  if (schemeEnd <= 0 || authority === '' || authority.includes('@')) {
    const parsed = new URL(url);
    return { scheme: parsed.protocol.slice(0, -1), address: parsed.hostname, ...(parsed.port ? { port: Number(parsed.port) } : {}), path: parsed.pathname };
  }
  const pathEnd = endOf(url, authorityEnd, false);
  const path = pathEnd > authorityEnd ? url.slice(authorityEnd, pathEnd) : '/';
  const scheme = url.slice(0, schemeEnd).toLowerCase();
  const colon = authority.lastIndexOf(':');
  // `[::1]:2024`: the port's colon comes after the IPv6 literal's closing bracket.
  const hasPort = colon > authority.lastIndexOf(']');
  const address = (hasPort ? authority.slice(0, colon) : authority).toLowerCase();
  const port = hasPort && colon < authority.length - 1 ? Number(authority.slice(colon + 1)) : undefined;
  return port === undefined || port === defaultPorts[scheme] ? { scheme, address, path } : { scheme, address, port, path };
}

const slash = 47;
const question = 63;
const hash = 35;

/** Where the part starting at `from` ends: at `?` or `#`, and at `/` too for the authority. */
function endOf(url: string, from: number, slashEnds: boolean): number {
  let index = from;
  for (; index < url.length; index += 1) {
    const code = url.charCodeAt(index);
    if (code === question || code === hash || (slashEnds && code === slash)) break;
  }
  return index;
}
