import { context, propagation, trace } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { createPooledIdGenerator } from './pooled-id-generator.ts';
import { setTracingSettings } from './tracing-settings.ts';
import { createWorkerSpanExporter } from './worker-span-exporter.ts';

/** Tracing as the standard `OTEL_*` variables describe it (parsed in config.ts). */
export interface TracingConfig {
  /** `OTEL_TRACES_EXPORTER`; `none` (the default without an OTLP endpoint) turns tracing off. */
  exporter: 'otlp' | 'console' | 'none';
  /** The full traces URL: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. */
  endpoint: string;
  protocol: 'http/protobuf' | 'http/json';
  headers: Record<string, string>;
  timeoutMs: number;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  sampler: 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';
  samplerRatio: number;
  latestConventions: boolean;
  captureContent: boolean;
}

export interface Tracing {
  /** False when no exporter is configured: nothing is registered and every span is a no-op. */
  enabled: boolean;
  /** Export every finished span now (before a process exits, in tests). */
  forceFlush(): Promise<void>;
  /** Flush, stop, and unregister the global tracer, context manager and propagator. */
  shutdown(): Promise<void>;
}

export interface TracingOverrides {
  /** Export here instead (tests: an `InMemorySpanExporter`), one span at a time. */
  exporter?: SpanExporter;
  /** The processor in front of `exporter` (default: one span at a time, as tests read them). */
  spanProcessor?: SpanProcessor;
  serviceVersion?: string;
}

/**
 * Start OpenTelemetry tracing: a Node tracer provider registered globally (so the spans that
 * graphs, tools and the retriever make through `@opentelemetry/api` are recorded, and an
 * embedding application's own provider works the same way), W3C trace context, and the
 * configured exporter behind a batch processor (OTLP encoded and sent on a worker thread, see
 * `createWorkerSpanExporter`). Off (no provider, no cost) when the config names no exporter.
 * @example const tracing = createTracing(config.tracing); ...; await tracing.shutdown();
 */
export function createTracing(config: TracingConfig, overrides: TracingOverrides = {}): Tracing {
  if (!overrides.exporter && config.exporter === 'none') return { enabled: false, forceFlush: async () => {}, shutdown: async () => {} };
  const resource = defaultResource().merge(resourceFromAttributes({
    ...config.resourceAttributes,
    [ATTR_SERVICE_NAME]: config.serviceName,
    ...(overrides.serviceVersion ? { [ATTR_SERVICE_VERSION]: overrides.serviceVersion } : {}),
  }));
  const exporter = overrides.exporter ?? exporterFor(config, resource);
  const provider = new NodeTracerProvider({
    resource,
    sampler: samplerFor(config),
    idGenerator: createPooledIdGenerator(),
    // A test reads each span as it ends; a service batches, off the request path.
    spanProcessors: [overrides.spanProcessor ?? (overrides.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter))],
  });
  provider.register();
  setTracingSettings({ latestConventions: config.latestConventions, captureContent: config.captureContent });
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    forceFlush: () => provider.forceFlush(),
    shutdown() {
      stopped ??= provider.shutdown().finally(() => {
        trace.disable();
        context.disable();
        propagation.disable();
        setTracingSettings(undefined);
      });
      return stopped;
    },
  };
}

// OTLP batches are encoded and sent on a worker thread: encoding them as protobuf on the
// serving thread was about a third of what tracing cost a trivial run (README "Tracing overhead").
function exporterFor(config: TracingConfig, resource: Resource): SpanExporter {
  if (config.exporter === 'console') return new ConsoleSpanExporter();
  return createWorkerSpanExporter({ protocol: config.protocol, url: config.endpoint, headers: config.headers, timeoutMillis: config.timeoutMs }, resource.attributes);
}

function samplerFor(config: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.samplerRatio);
  switch (config.sampler) {
    case 'always_on': return new AlwaysOnSampler();
    case 'always_off': return new AlwaysOffSampler();
    case 'traceidratio': return ratio;
    case 'parentbased_always_off': return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio': return new ParentBasedSampler({ root: ratio });
    default: return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
