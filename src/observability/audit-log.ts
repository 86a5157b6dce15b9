import { createHash } from 'node:crypto';
import { canonicalJson } from '../tools/index.ts';
import type { AuditEventType } from './audit-event-types.ts';

export { auditEventTypes, type AuditEventType } from './audit-event-types.ts';

/** What a caller appends; the log assigns `seq`, `at` (unless given), and the hashes. */
export interface AuditEntry {
  tenantId: string;
  type: AuditEventType;
  runId?: string;
  threadId?: string;
  /** Who acted: an approver, an API key name, `system`. */
  actor?: string;
  data?: unknown;
  at?: string;
}

/** One append-only record, chained to the tenant's previous record by hash. */
export interface AuditRecord {
  /** 1, 2, 3, ... per tenant. */
  seq: number;
  tenantId: string;
  at: string;
  type: AuditEventType;
  runId?: string;
  threadId?: string;
  actor?: string;
  data: unknown;
  previousHash: string;
  hash: string;
}

export interface AuditQuery {
  tenantId: string;
  threadId?: string;
  runId?: string;
  /** At most this many records (default 100, at most 1000). */
  limit?: number;
  /** Only records with a greater `seq`: pass the last `seq` seen to page on. */
  after?: number;
  /** Only records with a smaller `seq`: with `order: 'desc'`, pass the last `seq` seen to page back. */
  before?: number;
  /** Only records of this type (action). */
  type?: AuditEventType;
  /** Only records of this actor. */
  actor?: string;
  /** `asc` (default): oldest first; `desc`: newest first. */
  order?: 'asc' | 'desc';
}

export type AuditProblemKind = 'edited' | 'removed' | 'reordered' | 'broken_link' | 'truncated';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The record where the problem shows. */
  seq: number;
  message: string;
}

export interface AuditVerification {
  tenantId: string;
  ok: boolean;
  /** Records checked. */
  count: number;
  /** The hash of the last record; publish it elsewhere to anchor the chain. */
  headHash: string;
  problems: AuditProblem[];
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<AuditRecord>;
  query(query: AuditQuery): Promise<AuditRecord[]>;
  /** Recompute the tenant's chain and say which records were edited, removed or reordered. */
  verify(tenantId: string): Promise<AuditVerification>;
  /** Tenants that have records, for verifying everything. */
  tenants(): Promise<string[]>;
}

/** The `previousHash` of a tenant's first record. */
export const genesisHash = '0'.repeat(64);

/** SHA-256 (hex) of the canonical JSON of the record without its own hash (its `previousHash` included). */
export function hashAuditRecord(record: Omit<AuditRecord, 'hash'>): string {
  const { hash: _ignored, ...content } = record as AuditRecord;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** Build the next record of a chain whose last record has `previous` (or none). */
export function chainAuditRecord(entry: AuditEntry, previous: { seq: number; hash: string } | undefined, now: Date): AuditRecord {
  const content: Omit<AuditRecord, 'hash'> = {
    seq: (previous?.seq ?? 0) + 1,
    tenantId: entry.tenantId,
    at: entry.at ?? now.toISOString(),
    type: entry.type,
    ...(entry.runId === undefined ? {} : { runId: entry.runId }),
    ...(entry.threadId === undefined ? {} : { threadId: entry.threadId }),
    ...(entry.actor === undefined ? {} : { actor: entry.actor }),
    // The JSON form, so the stored record and the hashed one are the same value.
    data: JSON.parse(JSON.stringify(entry.data ?? null)),
    previousHash: previous?.hash ?? genesisHash,
  };
  return { ...content, hash: hashAuditRecord(content) };
}

/** Does `record` pass the query's filters (the tenant aside)? */
export function matchesAuditQuery(record: AuditRecord, query: AuditQuery): boolean {
  return (query.threadId === undefined || record.threadId === query.threadId)
    && (query.runId === undefined || record.runId === query.runId)
    && (query.type === undefined || record.type === query.type)
    && (query.actor === undefined || record.actor === query.actor)
    && record.seq > (query.after ?? 0)
    && (query.before === undefined || record.seq < query.before);
}

export function clampAuditLimit(limit: number | undefined): number {
  return Math.max(1, Math.min(limit ?? 100, 1_000));
}
