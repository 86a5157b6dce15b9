import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIngestionJobs, createSqliteRetriever, sharedCorpusId } from '../../retrieval/index.ts';
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
      // What authentication would have set: a caller of a tenant with scopes (none: no caller).
      const caller = c.req.header('x-test-caller');
      if (caller !== undefined) {
        const { tenantId, scopes } = JSON.parse(caller) as { tenantId: string; scopes: string[] };
        c.set('caller', { tenantId, scopes, name: `key:${tenantId}`, kind: 'api_key', id: `key:${tenantId}` });
      }
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
  const as = (tenantId: string, scopes: string[]) => ({ 'x-test-caller': JSON.stringify({ tenantId, scopes }) });
  const postAs = (caller: Record<string, string>, body: unknown) =>
    app.request('/ingest', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...caller } });
  const policy = { id: 'kettle-policy', text: '# Kettle policy\n\nKettles are replaced within 14 days.', source: 'kettle-policy.md' };

  it('writes the shared corpus only for a caller with the ingest:admin scope', async () => {
    const writer = as('acme', ['ingest:write', 'ingest:read']);
    const refused = await postAs(writer, { documents: [policy], scope: 'shared' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: 'This API key lacks the "ingest:admin" scope' } });
    expect((await postAs(writer, { path: 'refunds.md', scope: 'shared' })).status).toBe(403);

    const admin = as('acme', ['ingest:admin', 'ingest:read']);
    const accepted = await postAs(admin, { documents: [policy], scope: 'shared' });
    expect(accepted.status).toBe(202);
    const job = (await accepted.json()) as { job_id: string; scope: string };
    expect(job.scope).toBe('shared');
    await jobs.drain();
    expect(await (await app.request(`/ingest/${job.job_id}`, { headers: admin })).json()).toMatchObject({ status: 'succeeded', scope: 'shared', report: { added: 1 } });
    expect(await retriever.listDocumentIds(sharedCorpusId)).toEqual(['kettle-policy']);
    expect(await retriever.listDocumentIds('acme')).toEqual([]);
    // An admin key still needs ingest:write for its tenant's own documents.
    expect((await postAs(admin, { documents: [policy] })).status).toBe(403);
  });

  it('writes a tenant\'s documents by default, which only it searches, and hides its jobs from other tenants', async () => {
    const acme = as('acme', ['ingest:write', 'ingest:read']);
    const response = await postAs(acme, { documents: [policy] });
    expect(response.status).toBe(202);
    const job = (await response.json()) as { job_id: string; scope: string };
    expect(job.scope).toBe('tenant');
    await jobs.drain();
    expect(await retriever.listDocumentIds('acme')).toEqual(['kettle-policy']);
    expect(await retriever.search({ tenantId: 'rival', query: 'kettles replaced within 14 days' })).toEqual([]);

    const rivalRead = await app.request(`/ingest/${job.job_id}`, { headers: as('rival', ['ingest:read']) });
    expect(rivalRead.status).toBe(404);
    expect(await rivalRead.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await app.request(`/ingest/${job.job_id}`, { headers: acme })).status).toBe(200);
  });

  it('refuses a scope that is neither tenant nor shared', async () => {
    const invalid = await post({ documents: [policy], scope: 'everyone' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

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
