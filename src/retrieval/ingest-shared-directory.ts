import { ingestDocuments, readDirectory } from './ingest-directory.ts';
import { sharedCorpusId } from './retriever.ts';
import type { Retriever, UpsertReport } from './retriever.ts';

export interface SharedDirectoryReport {
  report: UpsertReport;
  /** Copies of these documents that `formerTenantId` held and that were deleted. */
  removedFromFormerTenant: number;
}

/**
 * Load a directory every tenant reads (the sample knowledge base) into the shared corpus.
 * Unchanged documents are not rewritten, so running it at every start is cheap.
 * Before the shared corpus existed, such a directory was loaded for one tenant (`default`);
 * the copies it left there, same id and same source file, are deleted so that tenant does
 * not see each passage twice. Its other documents stay as they are.
 * @example const { report } = await ingestSharedDirectory(retriever, 'data/knowledge-base', { formerTenantId: 'default' });
 */
export async function ingestSharedDirectory(
  retriever: Retriever,
  directory: string,
  options: { formerTenantId?: string } = {},
): Promise<SharedDirectoryReport> {
  const documents = await readDirectory(directory);
  const report = await ingestDocuments(retriever, documents, { tenantId: sharedCorpusId });
  if (options.formerTenantId === undefined || documents.length === 0) return { report, removedFromFormerTenant: 0 };
  const formerTenantId = options.formerTenantId;
  const candidates = new Set(
    await retriever.listDocumentIds(formerTenantId, {
      documentIds: documents.map((document) => document.id),
      sources: [...new Set(documents.map((document) => document.source))],
    }),
  );
  // A document of the tenant's own that happens to share an id came from another file: only
  // the pair (id, source) of a directory document marks a copy. The filter above matches ids
  // and sources independently, so each candidate is checked as a pair.
  const copies: string[] = [];
  for (const document of documents) {
    if (!candidates.has(document.id)) continue;
    const pair = await retriever.listDocumentIds(formerTenantId, { documentIds: [document.id], sources: [document.source] });
    if (pair.length > 0) copies.push(document.id);
  }
  const removedFromFormerTenant = await retriever.deleteDocuments(formerTenantId, copies);
  return { report, removedFromFormerTenant };
}
