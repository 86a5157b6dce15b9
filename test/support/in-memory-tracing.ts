import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll } from 'vitest';
import { createTracing, readTracingConfig, type Tracing } from '../../src/observability/index.ts';

/**
 * The service's own tracing set-up for a suite, exporting to memory: installed before the
 * suite's tests, shut down (the global provider removed) after them.
 * @example const exporter = useInMemoryTracing(); … exporter.getFinishedSpans()
 */
export function useInMemoryTracing(): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing | undefined;
  beforeAll(() => {
    tracing = createTracing(readTracingConfig({}), { exporter });
  });
  afterAll(async () => {
    await tracing?.shutdown();
  });
  return exporter;
}
