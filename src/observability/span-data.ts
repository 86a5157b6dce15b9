/**
 * A finished span as plain data, to hand to the export worker (`postMessage` copies plain
 * objects, not the SDK's spans with their processor and resource), and back into the shape
 * OTLP exporters read. Imports only types and `@opentelemetry/core`, so the worker loads it
 * without a TypeScript loader.
 */
import type { Attributes, HrTime, Link, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

interface ContextData {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote?: boolean;
  traceState?: string;
}

export interface SpanData {
  name: string;
  kind: SpanKind;
  context: ContextData;
  parent?: ContextData;
  startTime: HrTime;
  endTime: HrTime;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: TimedEvent[];
  droppedEventsCount: number;
  links: Array<{ context: ContextData; attributes?: Attributes; droppedAttributesCount?: number }>;
  droppedLinksCount: number;
  status: SpanStatus;
  scope: { name: string; version?: string; schemaUrl?: string };
}

function contextData(context: SpanContext): ContextData {
  const data: ContextData = { traceId: context.traceId, spanId: context.spanId, traceFlags: context.traceFlags };
  if (context.isRemote !== undefined) data.isRemote = context.isRemote;
  const traceState = context.traceState?.serialize();
  if (traceState) data.traceState = traceState;
  return data;
}

function spanContextOf(data: ContextData): SpanContext {
  return { ...data, traceState: data.traceState ? new TraceState(data.traceState) : undefined };
}

/** What the worker needs of a finished span (its resource is the provider's, sent once). */
export function toSpanData(span: ReadableSpan): SpanData {
  const data: SpanData = {
    name: span.name,
    kind: span.kind,
    context: contextData(span.spanContext()),
    startTime: span.startTime,
    endTime: span.endTime,
    attributes: span.attributes,
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events,
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.map((link) => ({ context: contextData(link.context), attributes: link.attributes, droppedAttributesCount: link.droppedAttributesCount })),
    droppedLinksCount: span.droppedLinksCount,
    status: span.status,
    scope: span.instrumentationScope,
  };
  if (span.parentSpanContext) data.parent = contextData(span.parentSpanContext);
  return data;
}

/**
 * The span again, as exporters read it, under `resource`; `scopeOf` gives the same object for
 * the same scope (exporters group spans by scope object).
 */
export function fromSpanData(data: SpanData, resource: Resource, scopeOf: (scope: SpanData['scope']) => ReadableSpan['instrumentationScope']): ReadableSpan {
  const context = spanContextOf(data.context);
  const duration: HrTime = [data.endTime[0] - data.startTime[0], data.endTime[1] - data.startTime[1]];
  if (duration[1] < 0) {
    duration[0] -= 1;
    duration[1] += 1e9;
  }
  return {
    name: data.name,
    kind: data.kind,
    spanContext: () => context,
    parentSpanContext: data.parent ? spanContextOf(data.parent) : undefined,
    startTime: data.startTime,
    endTime: data.endTime,
    status: data.status,
    attributes: data.attributes,
    links: data.links.map((link): Link => ({ ...link, context: spanContextOf(link.context) })),
    events: data.events,
    duration,
    ended: true,
    resource,
    instrumentationScope: scopeOf(data.scope),
    droppedAttributesCount: data.droppedAttributesCount,
    droppedEventsCount: data.droppedEventsCount,
    droppedLinksCount: data.droppedLinksCount,
  };
}
