import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.ts';
import { createIngestionJobs } from './ingestion-jobs.ts';
import type { IngestionJobs } from './ingestion-jobs.ts';
import { sharedCorpusId } from './retriever.ts';
import type { Retriever } from './retriever.ts';
import { createSqliteRetriever } from './sqlite-retriever.ts';

describe('ingestion jobs', () => {
  let root: string;
  let retriever: Retriever;
  let jobs: IngestionJobs;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'overseer-jobs-'));
    mkdirSync(path.join(root, 'kb/faq'), { recursive: true });
    writeFileSync(path.join(root, 'kb/refunds.md'), '# Refunds\n\nRefunds within 30 days.');
    writeFileSync(path.join(root, 'kb/faq/shipping.txt'), 'Standard shipping takes 7 days.');
    writeFileSync(path.join(root, 'secret.md'), '# Secret\n\nOutside the ingestion directory.');
    retriever = createSqliteRetriever({ database: openDatabase(':memory:'), ownsDatabase: true });
    let next = 0;
    jobs = createIngestionJobs({ retriever, directory: path.join(root, 'kb'), batchSize: 1, maxHistory: 2, createId: () => `job-${++next}`, clock: () => new Date('2025-01-01T00:00:00Z') });
  });

  afterEach(async () => {
    await jobs.drain();
    await retriever.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('accepts documents as a pending job, then reports success with counts and progress', async () => {
    const job = await jobs.start('t', { documents: [{ id: 'a', text: 'Alpha kettle.', source: 'a.md' }, { id: 'b', text: 'Beta lamp.', source: 'b.md' }] });
    expect(job).toMatchObject({ id: 'job-1', status: 'pending', tenantId: 't', scope: 'tenant' });
    await jobs.drain();
    expect(jobs.get('t', 'job-1')).toMatchObject({
      status: 'succeeded',
      progress: { done: 2, total: 2 },
      report: { added: 2, updated: 0, unchanged: 0, deleted: 0 },
      startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(await retriever.listDocumentIds('t')).toEqual(['a', 'b']);
  });

  it('ingests a directory inside the configured one, pruning when asked', async () => {
    await retriever.upsertDocuments('t', [{ id: 'stale', text: 'Old.', source: 'old.md' }]);
    await jobs.start('t', { path: '.' }, { prune: true });
    await jobs.drain();
    expect(jobs.get('t', 'job-1')).toMatchObject({ status: 'succeeded', report: { added: 2, deleted: 1 } });
    expect(await retriever.listDocumentIds('t')).toEqual(['faq/shipping', 'refunds']);
    await jobs.start('t', { path: 'faq/shipping.txt' });
    await jobs.drain();
    expect(jobs.get('t', 'job-2')).toMatchObject({ status: 'succeeded', report: { unchanged: 0, added: 1 } });
  });

  it('refuses paths that leave the configured directory, by dots, absolute paths or symbolic links', async () => {
    symlinkSync(path.join(root, 'secret.md'), path.join(root, 'kb/link.md'));
    await expect(jobs.start('t', { path: '../secret.md' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(jobs.start('t', { path: 'faq/../../secret.md' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(jobs.start('t', { path: path.join(root, 'secret.md') })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(jobs.start('t', { path: 'link.md' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(jobs.start('t', { path: '*.md' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(jobs.start('t', { path: 'missing.md' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(jobs.get('t', 'job-1')).toBeUndefined();
  });

  it('refuses invalid documents before creating a job and records failures without raw errors', async () => {
    await expect(jobs.start('t', { documents: [{ id: '', text: 'x', source: 'x.md' }] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    writeFileSync(path.join(root, 'kb/broken.jsonl'), 'not json\n');
    await jobs.start('t', { path: 'broken.jsonl' });
    await jobs.drain();
    expect(jobs.get('t', 'job-1')).toMatchObject({ status: 'failed', error: { code: 'VALIDATION_FAILED', details: ['broken.jsonl:1 is not valid JSON'] } });
  });

  it('writes a shared job into the shared corpus, keeps the job the starter\'s, and refuses the corpus as a tenant', async () => {
    const job = await jobs.start('t', { documents: [{ id: 'policy', text: 'Shared policy on kettles.', source: 'policy.md' }] }, { scope: 'shared' });
    expect(job).toMatchObject({ tenantId: 't', scope: 'shared' });
    await jobs.drain();
    expect(jobs.get('t', job.id)).toMatchObject({ status: 'succeeded', scope: 'shared', report: { added: 1 } });
    expect(jobs.get('other', job.id)).toBeUndefined();
    expect(await retriever.listDocumentIds(sharedCorpusId)).toEqual(['policy']);
    expect(await retriever.listDocumentIds('t')).toEqual([]);
    const [hit] = await retriever.search({ tenantId: 'other', query: 'policy on kettles' });
    expect(hit).toMatchObject({ documentId: 'policy', scope: 'shared' });
    await expect(jobs.start(sharedCorpusId, { documents: [{ id: 'x', text: 'x', source: 'x.md' }] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('hides other tenants\' jobs and keeps only the newest finished jobs', async () => {
    for (const id of ['a', 'b', 'c']) await jobs.start('t', { documents: [{ id, text: `Text ${id}.`, source: `${id}.md` }] });
    await jobs.drain();
    expect(jobs.get('other', 'job-3')).toBeUndefined();
    expect(jobs.get('t', 'job-1')).toBeUndefined();
    expect(jobs.get('t', 'job-2')?.status).toBe('succeeded');
    expect(jobs.get('t', 'job-3')?.status).toBe('succeeded');
  });
});
