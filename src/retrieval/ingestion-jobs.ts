import { randomUUID } from 'node:crypto';
import { AppError, toPublicError } from '../errors.ts';
import { ingestDocuments } from './ingest-directory.ts';
import { readSources, resolveInside } from './read-sources.ts';
import { sharedCorpusId } from './retriever.ts';
import type { Retriever, SearchScope, SourceDocument, UpsertReport } from './retriever.ts';
import { assertDocuments, assertTenantId } from './validate-request.ts';

export type IngestionJobStatus = 'pending' | 'running' | 'succeeded' | 'failed';

/** What ingestion a job does: given documents, or a path inside the configured directory. */
export type IngestionSource = { documents: SourceDocument[] } | { path: string };

export interface IngestionJob {
  id: string;
  /** Who started the job: only this tenant may read it. */
  tenantId: string;
  /** Where the documents go: the tenant's own documents, or the shared corpus every tenant reads. */
  scope: SearchScope;
  status: IngestionJobStatus;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Documents done of the total, updated after every batch. */
  progress: { done: number; total: number };
  /** Counts so far: complete once the job succeeded. */
  report?: UpsertReport;
  /** Why the job failed, as a client may see it (no raw exception text). */
  error?: { code: string; message: string; details?: unknown };
}

export interface IngestionJobsOptions {
  retriever: Retriever;
  /** The only directory `{ path }` jobs may read from; without it, path jobs are refused. */
  directory?: string;
  /** Finished jobs kept for status queries (default 100); the oldest finished ones go first. */
  maxHistory?: number;
  /** Documents per upsert call (default 32). */
  batchSize?: number;
  clock?: () => Date;
  createId?: () => string;
}

export interface IngestionJobs {
  /**
   * Validate the request, record a pending job and start it in the background. With
   * `scope: 'shared'` the documents go to the shared corpus (the caller checks the right to);
   * `prune` then prunes the shared corpus.
   */
  start(tenantId: string, source: IngestionSource, options?: { prune?: boolean; scope?: SearchScope }): Promise<IngestionJob>;
  /** A copy of the tenant's job, or undefined (also for another tenant's job id). */
  get(tenantId: string, jobId: string): IngestionJob | undefined;
  /** Wait for every running job to finish (for shutdown and tests). */
  drain(): Promise<void>;
}

/**
 * An in-process registry of ingestion jobs: `POST /ingest` starts one and returns at once,
 * `GET /ingest/{id}` reads its status, progress and counts. Jobs run one after another, so two
 * ingestions never race on the same documents. History is bounded; state is lost on restart.
 * @example const jobs = createIngestionJobs({ retriever, directory: config.knowledgeBaseDir });
 */
export function createIngestionJobs(options: IngestionJobsOptions): IngestionJobs {
  const jobs = new Map<string, IngestionJob>();
  const clock = options.clock ?? (() => new Date());
  const createId = options.createId ?? randomUUID;
  const maxHistory = options.maxHistory ?? 100;
  let queue: Promise<void> = Promise.resolve();

  const forget = (): void => {
    const finished = [...jobs.values()].filter((job) => job.status === 'succeeded' || job.status === 'failed');
    for (const job of finished.slice(0, Math.max(0, finished.length - maxHistory))) jobs.delete(job.id);
  };

  const run = async (job: IngestionJob, load: () => Promise<SourceDocument[]>, prune: boolean): Promise<void> => {
    job.status = 'running';
    job.startedAt = clock().toISOString();
    try {
      const documents = await load();
      job.progress = { done: 0, total: documents.length };
      job.report = await ingestDocuments(options.retriever, documents, {
        tenantId: job.scope === 'shared' ? sharedCorpusId : job.tenantId,
        prune,
        batchSize: options.batchSize,
        onProgress: (progress) => (job.progress = progress),
      });
      job.status = 'succeeded';
    } catch (error) {
      job.status = 'failed';
      job.error = toPublicError(error);
    } finally {
      job.finishedAt = clock().toISOString();
      forget();
    }
  };

  return {
    async start(tenantId, source, startOptions = {}) {
      assertTenantId(tenantId);
      // The shared corpus is reached by scope, never by naming it as a tenant.
      if (tenantId === sharedCorpusId) throw new AppError('BAD_REQUEST', `"${sharedCorpusId}" is not a tenant`);
      let load: () => Promise<SourceDocument[]>;
      if ('documents' in source) {
        assertDocuments(source.documents);
        const { documents } = source;
        load = async () => documents;
      } else {
        if (options.directory === undefined) throw new AppError('BAD_REQUEST', 'Ingesting from a path is not enabled on this server');
        // Resolved before the job is accepted, so a bad path is a 4xx now, not a failed job later.
        const resolved = await resolveInside(options.directory, source.path);
        load = () => readSources(resolved);
      }
      const job: IngestionJob = {
        id: createId(),
        tenantId,
        scope: startOptions.scope ?? 'tenant',
        status: 'pending',
        createdAt: clock().toISOString(),
        progress: { done: 0, total: 0 },
      };
      jobs.set(job.id, job);
      queue = queue.then(() => run(job, load, startOptions.prune ?? false));
      return structuredClone(job);
    },
    get(tenantId, jobId) {
      const job = jobs.get(jobId);
      return job === undefined || job.tenantId !== tenantId ? undefined : structuredClone(job);
    },
    async drain() {
      await queue;
    },
  };
}
