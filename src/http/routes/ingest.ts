import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import type { IngestionJob, IngestionJobs } from '../../retrieval/index.ts';
import type { AppEnv } from '../app-env.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { errorResponses, jsonResponse } from '../schemas/resources.ts';
import { resourceId } from '../schemas/resource-id.ts';

const documentSchema = z.object({
  id: z.string().min(1).max(500),
  text: z.string().max(1_000_000),
  source: z.string().min(1).max(2_000),
  title: z.string().max(500).optional(),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

const scopeSchema = z
  .enum(['tenant', 'shared'])
  .default('tenant')
  .describe('`tenant`: the caller\'s own documents, which only its tenant searches. `shared`: the corpus every tenant searches beside its own (needs the `ingest:admin` scope)');
const pruneSchema = z.boolean().default(false).describe('Also delete the documents of the target (the tenant\'s, or the shared corpus) that are not among those ingested');

const ingestBody = z.union([
  z.object({ documents: z.array(documentSchema).min(1).max(1_000), scope: scopeSchema, prune: pruneSchema }).strict(),
  z
    .object({
      path: z.string().min(1).max(1_000).describe('A file or directory relative to the server\'s ingestion directory'),
      scope: scopeSchema,
      prune: pruneSchema,
    })
    .strict(),
]);

const jobSchema = z
  .object({
    job_id: z.string(),
    scope: z.enum(['tenant', 'shared']),
    status: z.enum(['pending', 'running', 'succeeded', 'failed']),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    progress: z.object({ done: z.number(), total: z.number() }),
    report: z
      .object({
        added: z.number(),
        updated: z.number(),
        unchanged: z.number(),
        deleted: z.number(),
        chunks: z.object({ written: z.number(), unchanged: z.number(), deleted: z.number() }),
      })
      .nullable(),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).nullable(),
  })
  .openapi('IngestionJob');

/** A job as the API shows it: snake_case like the rest of the API, without the tenant. */
function publicJob(job: IngestionJob): z.infer<typeof jobSchema> {
  return {
    job_id: job.id,
    scope: job.scope,
    status: job.status,
    created_at: job.createdAt,
    started_at: job.startedAt ?? null,
    finished_at: job.finishedAt ?? null,
    progress: job.progress,
    report: job.report ?? null,
    error: job.error ?? null,
  };
}

function jobsOf(c: Context<AppEnv>): IngestionJobs {
  // Until `Services` declares `ingestionJobs`, read it through a narrow view of the services.
  const jobs = (c.var.services as unknown as { ingestionJobs?: IngestionJobs }).ingestionJobs;
  if (jobs === undefined) throw new AppError('INTERNAL', 'Ingestion is not configured on this server');
  return jobs;
}

/** The caller's tenant; `default` in open mode. */
function tenantOf(c: Context<AppEnv>, scope: string): string {
  const caller = c.var.caller as AppEnv['Variables']['caller'] | undefined;
  if (caller !== undefined) requireScope(caller, scope);
  return caller?.tenantId ?? 'default';
}

/** `POST /ingest` starts an ingestion job (202 with its id); `GET /ingest/{job_id}` reads its status. */
export function createIngestRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/ingest',
      tags: ['ingest'],
      summary: 'Ingest documents or a server-side path into the knowledge base, in the background',
      request: { body: { required: true, content: { 'application/json': { schema: ingestBody } } } },
      responses: { 202: jsonResponse(jobSchema, 'The job, pending'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      // Every tenant reads the shared corpus, so writing it is an administrator's right.
      const tenantId = tenantOf(c, body.scope === 'shared' ? 'ingest:admin' : 'ingest:write');
      const source = 'documents' in body ? { documents: body.documents } : { path: body.path };
      const job = await jobsOf(c).start(tenantId, source, { prune: body.prune, scope: body.scope });
      c.header('Location', `/ingest/${job.id}`);
      return c.json(publicJob(job), 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/ingest/{job_id}',
      tags: ['ingest'],
      summary: 'The status, progress and counts of an ingestion job',
      request: { params: z.object({ job_id: resourceId }) },
      responses: { 200: jsonResponse(jobSchema, 'The job'), ...errorResponses },
    }),
    async (c) => {
      const tenantId = tenantOf(c, 'ingest:read');
      const { job_id: jobId } = c.req.valid('param');
      const job = jobsOf(c).get(tenantId, jobId);
      if (job === undefined) throw new AppError('NOT_FOUND', `Ingestion job ${jobId} not found`);
      return c.json(publicJob(job), 200);
    },
  );

  return app;
}
