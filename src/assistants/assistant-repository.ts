import type { Page, SortOrder, Unpaged } from '../storage/index.ts';
import type { AssistantPatch, AssistantRecord, AssistantVersion } from './assistant-record.ts';

export interface AssistantSearch extends Page {
  graphId?: string;
  /** Part of the name, case-insensitive. */
  name?: string;
  /** Filters on metadata: every one must match (a request's filter, and the caller's authorization filters). */
  metadata?: Array<(metadata: Record<string, unknown>) => boolean>;
  sortBy?: 'assistant_id' | 'graph_id' | 'name' | 'created_at' | 'updated_at';
  sortOrder?: SortOrder;
}

/**
 * Where the assistants callers create live: SQLite embedded, Redis in production. Every call
 * takes the tenant, so one tenant's assistants are simply not found by another.
 */
export interface AssistantRepository {
  /** Version 1 of a new assistant; `CONFLICT` when the id is taken in the tenant. */
  create(record: AssistantRecord): Promise<AssistantRecord>;
  get(tenantId: string, assistantId: string): Promise<AssistantRecord | undefined>;
  /** A new version with the patch applied (undefined: no such assistant). */
  update(tenantId: string, assistantId: string, patch: AssistantPatch): Promise<AssistantRecord | undefined>;
  /** Run `version` from now on (undefined: no such assistant; `NOT_FOUND` for no such version). */
  setLatest(tenantId: string, assistantId: string, version: number): Promise<AssistantRecord | undefined>;
  /** The assistant and all its versions. */
  delete(tenantId: string, assistantId: string): Promise<boolean>;
  search(tenantId: string, search: AssistantSearch): Promise<AssistantRecord[]>;
  count(tenantId: string, search: Unpaged<AssistantSearch>): Promise<number>;
  /** Newest first. */
  versions(tenantId: string, assistantId: string, options: Page & { metadata?: AssistantSearch['metadata'] }): Promise<AssistantVersion[]>;
}

/** Does the record pass the search's filters (graph, name, metadata)? */
export function matchesSearch(record: Pick<AssistantRecord, 'graph_id' | 'name' | 'metadata'>, search: Omit<AssistantSearch, keyof Page>): boolean {
  if (search.graphId !== undefined && record.graph_id !== search.graphId) return false;
  if (search.name !== undefined && !record.name.toLowerCase().includes(search.name.toLowerCase())) return false;
  return (search.metadata ?? []).every((matches) => matches(record.metadata));
}

/** Sort and page records as a search asks (newest first by default). */
export function pageOf<T extends AssistantRecord>(records: T[], search: AssistantSearch): T[] {
  const sortBy = search.sortBy ?? 'created_at';
  const direction = search.sortOrder === 'asc' ? 1 : -1;
  const sorted = [...records].sort((left, right) =>
    (left[sortBy] < right[sortBy] ? -1 : left[sortBy] > right[sortBy] ? 1 : 0) * direction || (left.assistant_id < right.assistant_id ? -1 : 1));
  return sorted.slice(search.offset, search.offset + search.limit);
}
