import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIngestionJobs, createSqliteRetriever } from '../../retrieval/index.ts';
import type { IngestionJobs, Retriever } from '../../retrieval/index.ts';
import type { Services } from '../../services.ts';
import { openDatabase } from '../../storage/index.ts';
import type { AppEnv } from '../app-env.ts';
import { errorResponse } from '../error-response.ts';
import { validationHook } from '../validation-hook.ts';
import { createIngestRoutes } from './ingest.ts';

describe('ingest routes', () => {
  let directory: string;
  let retriever: Retriever;
  let jobs: IngestionJobs;
  let app: OpenAPIHono<AppEnv>;

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'overseer-ingest-route-'));
    writeFileSync(path.join(directory, 'refunds.md'), '# Refunds\n\nRefunds within 30 days of delivery.');
    retriever = createSqliteRetriever({ database: openDatabase(':memory:'), ownsDatabase: true });
    jobs = createIngestionJobs({ retriever, directory });
    const services = { config: { environment: 'test' }, retriever, ingestionJobs: jobs } as unknown as Services;
    app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
    app.use('*', async (c, next) => {
      c.set('services', services);
      c.set('requestId', 'test');
      await next();
    });
    app.route('/', createIngestRoutes());
    app.onError((error, c) => errorResponse(c, error));
  });

  afterEach(async () => {
    await jobs.drain();
    await retriever.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const post = (body: unknown) => app.request('/ingest', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it('answers 202 with a job id, and the job reports its counts when done', async () => {
    const response = await post({ documents: [{ id: 'kettle', text: '# Kettle\n\nDescale monthly.', source: 'kettle.md' }] });
    expect(response.status).toBe(202);
    const job = (await response.json()) as { job_id: string; status: string };
    expect(job.status).toBe('pending');
    expect(response.headers.get('location')).toBe(`/ingest/${job.job_id}`);
    await jobs.drain();
    const status = await app.request(`/ingest/${job.job_id}`);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ job_id: job.job_id, status: 'succeeded', progress: { done: 1, total: 1 }, report: { added: 1 }, error: null });
    expect(await retriever.listDocumentIds('default')).toEqual(['kettle']);
  });

  it('ingests a path inside the ingestion directory and refuses one outside it', async () => {
    const inside = await post({ path: 'refunds.md' });
    expect(inside.status).toBe(202);
    const outside = await post({ path: '../etc/passwd' });
    expect(outside.status).toBe(403);
    expect(await outside.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    await jobs.drain();
    expect(await retriever.listDocumentIds('default')).toEqual(['refunds']);
  });

  it('refuses a body that is neither documents nor a path, and an unknown job', async () => {
    const invalid = await post({ documents: [{ id: 'x' }] });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await post({ path: 'refunds.md', documents: [] })).status).toBe(400);
    const missing = await app.request('/ingest/no-such-job');
    expect(missing.status).toBe(404);
  });
});
