import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.ts';
import { readSourceFile, sourceFileExtensions } from './read-source-file.ts';
import { emptyUpsertReport } from './retriever.ts';
import type { Retriever, SourceDocument, UpsertReport } from './retriever.ts';

export interface IngestDirectoryOptions {
  tenantId: string;
  /** Delete the tenant's documents that are not in the directory, so the index mirrors it exactly. */
  prune?: boolean;
  /** Documents per upsert call, which bounds memory and the size of each embedding request (default 32). */
  batchSize?: number;
  /** Called after each batch, for a progress bar. */
  onProgress?: (progress: { done: number; total: number }) => void;
}

/**
 * Load every supported file under `directory` (recursively, hidden entries skipped) into the
 * tenant's index. Unchanged documents are not rewritten, so running it on every start-up is cheap.
 * @example const report = await ingestDirectory(retriever, 'data/knowledge-base', { tenantId: 'default', prune: true });
 */
export async function ingestDirectory(
  retriever: Retriever,
  directory: string,
  options: IngestDirectoryOptions,
): Promise<UpsertReport> {
  return ingestDocuments(retriever, await readDirectory(directory), options);
}

/**
 * Upsert documents into the tenant's index in batches, reporting progress after each batch;
 * with `prune`, then delete the tenant's documents that are not among them.
 * @example const report = await ingestDocuments(retriever, documents, { tenantId: 'default', onProgress: ({ done, total }) => bar.update(done) });
 */
export async function ingestDocuments(
  retriever: Retriever,
  documents: readonly SourceDocument[],
  options: IngestDirectoryOptions,
): Promise<UpsertReport> {
  const batchSize = options.batchSize ?? 32;
  const report = emptyUpsertReport();
  for (let start = 0; start < documents.length; start += batchSize) {
    const batch = await retriever.upsertDocuments(options.tenantId, documents.slice(start, start + batchSize));
    report.added += batch.added;
    report.updated += batch.updated;
    report.unchanged += batch.unchanged;
    report.chunks.written += batch.chunks.written;
    report.chunks.unchanged += batch.chunks.unchanged;
    report.chunks.deleted += batch.chunks.deleted;
    options.onProgress?.({ done: Math.min(start + batchSize, documents.length), total: documents.length });
  }
  if (options.prune) {
    const present = new Set(documents.map((document) => document.id));
    const stale = (await retriever.listDocumentIds(options.tenantId)).filter((id) => !present.has(id));
    report.deleted = await retriever.deleteDocuments(options.tenantId, stale);
  }
  return report;
}

/** Every document of the supported files under `directory`, in path order; duplicate ids are refused. */
export async function readDirectory(directory: string): Promise<SourceDocument[]> {
  const root = path.resolve(directory);
  const rootStat = await stat(root).catch(() => undefined);
  if (!rootStat?.isDirectory()) throw new AppError('NOT_FOUND', `No such directory: ${directory}`);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && (sourceFileExtensions as readonly string[]).includes(path.extname(entry.name).toLowerCase()))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((relativePath) => !relativePath.split('/').some((part) => part.startsWith('.')))
    .sort();
  const documents = (await Promise.all(files.map((file) => readSourceFile(path.join(root, file), file)))).flat();
  assertUniqueIds(documents);
  return documents;
}

/** Refuse two documents with one id: the second would silently overwrite the first. */
export function assertUniqueIds(documents: readonly SourceDocument[]): void {
  const seen = new Map<string, string>();
  const duplicates: string[] = [];
  for (const document of documents) {
    const earlier = seen.get(document.id);
    if (earlier !== undefined) duplicates.push(`"${document.id}" comes from both ${earlier} and ${document.source}`);
    seen.set(document.id, document.source);
  }
  if (duplicates.length > 0) throw new AppError('VALIDATION_FAILED', 'Duplicate document ids', { details: duplicates });
}
