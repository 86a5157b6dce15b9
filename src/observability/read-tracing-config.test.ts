import { describe, expect, it } from 'vitest';
import { readTracingConfig } from './read-tracing-config.ts';

describe('readTracingConfig', () => {
  it('is off when no OTEL_* variable is set', () => {
    expect(readTracingConfig({})).toMatchObject({ exporter: 'none', latestConventions: false, captureContent: false });
  });

  it('turns OTLP on for an endpoint, appending /v1/traces to the base and taking the traces endpoint as given', () => {
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toMatchObject({ exporter: 'otlp', endpoint: 'http://collector:4318/v1/traces', protocol: 'http/protobuf' });
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9000/traces' }).endpoint).toBe('http://b:9000/traces');
    expect(readTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).endpoint).toBe('http://localhost:4318/v1/traces');
  });

  it('reads protocol, headers, service name, resource attributes, sampler, semconv opt-in and content capture', () => {
    const config = readTracingConfig({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc%20def,tenant=acme',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'tenant=globex',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,service.name=from-resource',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_SEMCONV_STABILITY_OPT_IN: 'http, gen_ai_latest_experimental',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'TRUE',
    });
    expect(config).toMatchObject({
      protocol: 'http/json',
      headers: { 'api-key': 'abc def', tenant: 'globex' },
      serviceName: 'from-resource',
      resourceAttributes: { 'deployment.environment.name': 'prod' },
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
      latestConventions: true,
      captureContent: true,
    });
  });

  it('is off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, whatever else is set', () => {
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).exporter).toBe('none');
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).exporter).toBe('none');
  });

  it('refuses values the specification does not know, naming the variable', () => {
    expect(() => readTracingConfig({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', details: [expect.objectContaining({ variable: 'OTEL_TRACES_EXPORTER' })] }));
    expect(() => readTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(expect.objectContaining({ details: [expect.objectContaining({ message: expect.stringContaining('grpc is not built in') })] }));
    expect(() => readTracingConfig({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(expect.objectContaining({ details: [expect.objectContaining({ variable: 'OTEL_TRACES_SAMPLER_ARG' })] }));
  });
});
