import { Worker } from 'node:worker_threads';
import type { Attributes } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { logError } from './log-error.ts';
import { toSpanData, type SpanData } from './span-data.ts';

/** Where and how the worker exports (the OTLP/HTTP exporter's own options). */
export interface OtlpExportSettings {
  protocol: 'http/protobuf' | 'http/json';
  url: string;
  headers: Record<string, string>;
  timeoutMillis: number;
}

export interface SpanExportWorkerData {
  exporter: OtlpExportSettings;
  /** The provider's resource: every span has it, so it travels once. */
  resource: Attributes;
}

export type SpanExportRequest =
  | { id: number; type: 'export'; spans: SpanData[] }
  | { id: number; type: 'flush' | 'shutdown' };

interface SpanExportReply {
  id: number;
  ok: boolean;
  error?: string;
}

/**
 * An OTLP/HTTP span exporter whose encoding and sending run on a worker thread. In front of
 * it the batch processor stays on the serving thread (its queue, batch size and flushes are
 * unchanged); each batch crosses over as plain data, which costs the serving thread a fraction
 * of encoding it as protobuf (measured in bench:runs, README "Tracing overhead"). The worker is
 * unreferenced while nothing is in flight, so it never keeps a process alive by itself, and
 * referenced while an export, flush or shutdown waits on it. If it dies, spans are dropped
 * (logged once) and the service carries on.
 * @example new BatchSpanProcessor(createWorkerSpanExporter({ protocol: 'http/protobuf', url, headers: {}, timeoutMillis: 10_000 }, resource.attributes))
 */
export function createWorkerSpanExporter(settings: OtlpExportSettings, resource: Attributes): SpanExporter {
  const workerData: SpanExportWorkerData = { exporter: settings, resource };
  const worker = new Worker(new URL('./span-export-worker.ts', import.meta.url), { workerData });
  worker.unref();
  const waiting = new Map<number, (result: ExportResult) => void>();
  let nextId = 0;
  let gone: Error | undefined;

  function stop(error: Error): void {
    if (gone) return;
    gone = error;
    logError('span export worker stopped; spans are dropped from now on:', error);
    for (const done of waiting.values()) done({ code: ExportResultCode.FAILED, error });
    waiting.clear();
  }
  worker.on('message', (reply: SpanExportReply) => {
    const done = waiting.get(reply.id);
    if (!done) return;
    waiting.delete(reply.id);
    if (waiting.size === 0) worker.unref();
    done(reply.ok ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error: new Error(reply.error ?? 'export failed') });
  });
  worker.on('error', stop);
  worker.on('exit', (code) => stop(new Error(`span export worker exited (code ${code})`)));

  function ask(request: { type: 'export'; spans: SpanData[] } | { type: 'flush' | 'shutdown' }, done: (result: ExportResult) => void): void {
    if (gone) return done({ code: ExportResultCode.FAILED, error: gone });
    const id = nextId++;
    waiting.set(id, done);
    worker.ref();
    worker.postMessage({ ...request, id });
  }
  const settled = (type: 'flush' | 'shutdown') => new Promise<void>((resolve) => ask({ type }, () => resolve()));
  let shutDown: Promise<void> | undefined;

  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      ask({ type: 'export', spans: spans.map(toSpanData) }, done);
    },
    forceFlush: () => settled('flush'),
    shutdown() {
      shutDown ??= settled('shutdown').then(async () => {
        gone ??= new Error('span exporter is shut down');
        await worker.terminate();
      });
      return shutDown;
    },
  };
}
