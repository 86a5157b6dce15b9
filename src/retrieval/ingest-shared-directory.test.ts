import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.ts';
import { ingestDirectory } from './ingest-directory.ts';
import { ingestSharedDirectory } from './ingest-shared-directory.ts';
import { sharedCorpusId } from './retriever.ts';
import type { Retriever } from './retriever.ts';
import { createSqliteRetriever } from './sqlite-retriever.ts';

describe('ingestSharedDirectory', () => {
  let directory: string;
  let retriever: Retriever;

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'overseer-shared-'));
    writeFileSync(path.join(directory, 'warranty.md'), '# Warranty\n\nElectronics carry a 24 month warranty.');
    writeFileSync(path.join(directory, 'refund-policy.md'), '# Refund policy\n\nRefunds within 30 days of delivery.');
    retriever = createSqliteRetriever({ database: openDatabase(':memory:'), ownsDatabase: true });
  });
  afterEach(async () => {
    await retriever.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('loads the directory into the shared corpus, which every tenant searches', async () => {
    const { report, removedFromFormerTenant } = await ingestSharedDirectory(retriever, directory, { formerTenantId: 'default' });
    expect(report).toMatchObject({ added: 2, updated: 0, unchanged: 0 });
    expect(removedFromFormerTenant).toBe(0);
    expect(await retriever.listDocumentIds(sharedCorpusId)).toEqual(['refund-policy', 'warranty']);
    for (const tenantId of ['default', 'acme', 'rival']) {
      const [hit] = await retriever.search({ tenantId, query: 'warranty on electronics' });
      expect(hit, tenantId).toMatchObject({ documentId: 'warranty', scope: 'shared' });
    }
    expect((await ingestSharedDirectory(retriever, directory)).report).toMatchObject({ added: 0, unchanged: 2 });
  });

  it('removes the copies an older version loaded for the default tenant, and nothing else of that tenant', async () => {
    // What earlier versions did at start-up: the same directory, for tenant `default`.
    await ingestDirectory(retriever, directory, { tenantId: 'default' });
    // The tenant's own documents: one of its own file, one under a bundled id but from another source.
    await retriever.upsertDocuments('default', [
      { id: 'store-hours', source: 'notes/hours.md', text: '# Hours\n\nOpen nine to five.' },
      { id: 'warranty', source: 'contracts/warranty.md', text: '# Our warranty\n\nA custom warranty text.' },
    ]);
    const { removedFromFormerTenant } = await ingestSharedDirectory(retriever, directory, { formerTenantId: 'default' });
    // Only refund-policy was a copy; the tenant's "warranty" came from its own file.
    expect(removedFromFormerTenant).toBe(1);
    expect(await retriever.listDocumentIds('default')).toEqual(['store-hours', 'warranty']);
    const hits = await retriever.search({ tenantId: 'default', query: 'refunds within 30 days of delivery', limit: 10 });
    expect(hits.filter((hit) => hit.documentId === 'refund-policy').map((hit) => hit.scope)).toEqual(['shared']);
    expect((await ingestSharedDirectory(retriever, directory, { formerTenantId: 'default' })).removedFromFormerTenant).toBe(0);
  });
});
