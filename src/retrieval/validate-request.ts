import { AppError } from '../errors.ts';
import type { SearchMode, SearchRequest, SourceDocument } from './retriever.ts';

const defaultLimit = 5;
const maximumLimit = 100;

/** Every retriever call names a tenant; an empty one would silently become a shared bucket. */
export function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || tenantId.trim() === '') {
    throw new AppError('BAD_REQUEST', 'A tenant id is required');
  }
}

/** The number of hits to return: default 5, capped at 100; anything but a positive integer is refused. */
export function resolveLimit(limit: number | undefined): number {
  if (limit === undefined) return defaultLimit;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new AppError('BAD_REQUEST', `The search limit must be a positive integer, got ${String(limit)}`);
  }
  return Math.min(limit, maximumLimit);
}

/** Documents need a non-empty id, unique within the batch, text and a source. */
export function assertDocuments(documents: readonly SourceDocument[]): void {
  const seen = new Set<string>();
  const issues: string[] = [];
  documents.forEach((document, index) => {
    if (typeof document.id !== 'string' || document.id.trim() === '') issues.push(`documents[${index}].id is empty`);
    else if (seen.has(document.id)) issues.push(`documents[${index}].id "${document.id}" appears twice`);
    else seen.add(document.id);
    if (typeof document.text !== 'string') issues.push(`documents[${index}].text is not a string`);
    if (typeof document.source !== 'string' || document.source === '') issues.push(`documents[${index}].source is empty`);
  });
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', 'Some documents are invalid', { details: issues });
}

/**
 * The checks every backend makes before searching: a tenant, a sane limit, a string query, and
 * no dense search without an embedding model. Returns the limit and mode to use.
 */
export function validateSearchRequest(request: SearchRequest, options: { dense: boolean }): { limit: number; mode: SearchMode } {
  assertTenantId(request.tenantId);
  const limit = resolveLimit(request.limit);
  const mode = request.mode ?? 'hybrid';
  if (mode === 'dense' && !options.dense) {
    throw new AppError('BAD_REQUEST', 'Dense search needs an embedding model, and this retriever has none');
  }
  if (typeof request.query !== 'string') throw new AppError('BAD_REQUEST', 'The search query must be a string');
  return { limit, mode };
}
