import { AppError } from '../errors.ts';
import type { TracingConfig } from './create-tracing.ts';
import { optsIntoLatestGenAi } from './tracing-settings.ts';

/** The standard OpenTelemetry variables tracing reads, as config.ts hands them over. */
export interface TracingVariables {
  OTEL_SDK_DISABLED?: string;
  OTEL_TRACES_EXPORTER?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_PROTOCOL?: string;
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?: string;
  OTEL_EXPORTER_OTLP_HEADERS?: string;
  OTEL_EXPORTER_OTLP_TRACES_HEADERS?: string;
  OTEL_EXPORTER_OTLP_TIMEOUT?: string;
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT?: string;
  OTEL_SERVICE_NAME?: string;
  OTEL_RESOURCE_ATTRIBUTES?: string;
  OTEL_TRACES_SAMPLER?: string;
  OTEL_TRACES_SAMPLER_ARG?: string;
  OTEL_SEMCONV_STABILITY_OPT_IN?: string;
  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT?: string;
}

const samplers = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

/**
 * Tracing as the OpenTelemetry SDK environment specification defines the variables: off unless
 * `OTEL_TRACES_EXPORTER` names an exporter or an OTLP endpoint is set (then `otlp`), off again
 * with `OTEL_SDK_DISABLED=true`; OTLP over HTTP, protobuf unless the protocol says `http/json`;
 * the traces endpoint as given, or the base endpoint with `/v1/traces`. A value the spec does
 * not know is a configuration error, not a silent default.
 * @example readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).endpoint // 'http://collector:4318/v1/traces'
 */
export function readTracingConfig(variables: TracingVariables): TracingConfig {
  const base = variables.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const tracesEndpoint = variables.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const exporters = (variables.OTEL_TRACES_EXPORTER ?? (base || tracesEndpoint ? 'otlp' : 'none')).split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  const unknown = exporters.filter((name) => !['otlp', 'console', 'none'].includes(name));
  if (unknown.length > 0) fail('OTEL_TRACES_EXPORTER', `unsupported exporter "${unknown[0]}" (otlp, console or none)`);
  const disabled = ['true', '1'].includes((variables.OTEL_SDK_DISABLED ?? '').trim().toLowerCase());
  const exporter = disabled || exporters.includes('none') || exporters.length === 0 ? 'none' : (exporters.includes('otlp') ? 'otlp' : 'console');
  const protocol = (variables.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? variables.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') fail('OTEL_EXPORTER_OTLP_PROTOCOL', `unsupported protocol "${protocol}" (http/protobuf or http/json; grpc is not built in)`);
  const endpoint = tracesEndpoint || `${(base || 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`;
  if (exporter === 'otlp' && !URL.canParse(endpoint)) fail('OTEL_EXPORTER_OTLP_ENDPOINT', `not a URL: ${endpoint}`);
  const timeout = Number(variables.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? variables.OTEL_EXPORTER_OTLP_TIMEOUT ?? 10_000);
  if (!Number.isInteger(timeout) || timeout <= 0) fail('OTEL_EXPORTER_OTLP_TIMEOUT', 'must be a positive number of milliseconds');
  const sampler = (variables.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on').trim() as TracingConfig['sampler'];
  if (!samplers.includes(sampler)) fail('OTEL_TRACES_SAMPLER', `unsupported sampler "${sampler}" (${samplers.join(', ')})`);
  const ratio = variables.OTEL_TRACES_SAMPLER_ARG === undefined ? 1 : Number(variables.OTEL_TRACES_SAMPLER_ARG);
  if (!(ratio >= 0 && ratio <= 1)) fail('OTEL_TRACES_SAMPLER_ARG', 'must be a ratio between 0 and 1');
  const resourceAttributes = keyValueList(variables.OTEL_RESOURCE_ATTRIBUTES);
  return {
    exporter,
    endpoint,
    protocol,
    headers: { ...keyValueList(variables.OTEL_EXPORTER_OTLP_HEADERS), ...keyValueList(variables.OTEL_EXPORTER_OTLP_TRACES_HEADERS) },
    timeoutMs: timeout,
    serviceName: variables.OTEL_SERVICE_NAME?.trim() || resourceAttributes['service.name'] || 'overseer',
    resourceAttributes,
    sampler,
    samplerRatio: ratio,
    latestConventions: optsIntoLatestGenAi(variables.OTEL_SEMCONV_STABILITY_OPT_IN),
    captureContent: (variables.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT ?? '').trim().toLowerCase() === 'true',
  };
}

/** `key1=value1,key2=value2`, values percent-decoded (the W3C baggage octet form the spec uses). */
function keyValueList(text: string | undefined): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const separator = pair.indexOf('=');
    if (separator <= 0) continue;
    const key = pair.slice(0, separator).trim();
    const raw = pair.slice(separator + 1).trim();
    try {
      entries[key] = decodeURIComponent(raw);
    } catch {
      entries[key] = raw;
    }
  }
  return entries;
}

function fail(variable: string, message: string): never {
  throw new AppError('BAD_REQUEST', 'Invalid configuration in the environment', { details: [{ variable, message }] });
}
