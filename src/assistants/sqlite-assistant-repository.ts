import type { DatabaseSync } from 'node:sqlite';
import { AppError } from '../errors.ts';
import { createStatementCache, groupCommit, guardStorageErrors } from '../storage/index.ts';
import { atVersion, patched, versionOf, type AssistantRecord, type AssistantVersion } from './assistant-record.ts';
import { matchesSearch, pageOf, type AssistantRepository } from './assistant-repository.ts';

const schema = `
CREATE TABLE IF NOT EXISTS assistants (
  tenant_id TEXT NOT NULL,
  assistant_id TEXT NOT NULL,
  graph_id TEXT NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (tenant_id, assistant_id)
);
CREATE TABLE IF NOT EXISTS assistant_versions (
  tenant_id TEXT NOT NULL,
  assistant_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (tenant_id, assistant_id, version)
);
`;

/**
 * Assistants in the embedded SQLite database: the current record of each, and every version,
 * stored whole as JSON beside the keys queries use. Writes share the run records' group commit.
 * @example const assistants = createSqliteAssistantRepository(openDatabase('./data/overseer.db'));
 */
export function createSqliteAssistantRepository(database: DatabaseSync, clock: () => Date = () => new Date()): AssistantRepository {
  database.exec(schema);
  const prepared = createStatementCache(database);
  const write = <T>(work: () => T) => groupCommit(database, work);
  const now = () => clock().toISOString();

  function read(tenantId: string, assistantId: string): AssistantRecord | undefined {
    const row = prepared('SELECT record FROM assistants WHERE tenant_id = ? AND assistant_id = ?').get(tenantId, assistantId) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as AssistantRecord) : undefined;
  }

  function store(record: AssistantRecord, newVersion: boolean) {
    prepared('INSERT OR REPLACE INTO assistants (tenant_id, assistant_id, graph_id, record) VALUES (?, ?, ?, ?)')
      .run(record.tenant_id, record.assistant_id, record.graph_id, JSON.stringify(record));
    if (newVersion) {
      prepared('INSERT INTO assistant_versions (tenant_id, assistant_id, version, record) VALUES (?, ?, ?, ?)')
        .run(record.tenant_id, record.assistant_id, record.version, JSON.stringify(versionOf(record)));
    }
  }

  function all(tenantId: string, graphId?: string): AssistantRecord[] {
    const rows = (graphId === undefined
      ? prepared('SELECT record FROM assistants WHERE tenant_id = ?').all(tenantId)
      : prepared('SELECT record FROM assistants WHERE tenant_id = ? AND graph_id = ?').all(tenantId, graphId)) as Array<{ record: string }>;
    return rows.map((row) => JSON.parse(row.record) as AssistantRecord);
  }

  return guardStorageErrors<AssistantRepository>({
    create: (record) => write(() => {
      if (read(record.tenant_id, record.assistant_id)) throw new AppError('CONFLICT', `Assistant ${record.assistant_id} already exists`);
      store(record, true);
      return record;
    }),
    get: async (tenantId, assistantId) => read(tenantId, assistantId),
    update: (tenantId, assistantId, patch) => write(() => {
      // Read inside the write: a patch queued just before this one is already applied.
      const current = read(tenantId, assistantId);
      if (!current) return undefined;
      const highest = prepared('SELECT MAX(version) AS version FROM assistant_versions WHERE tenant_id = ? AND assistant_id = ?').get(tenantId, assistantId) as { version: number | null };
      const next = patched(current, patch, highest.version ?? current.version, now());
      store(next, true);
      return next;
    }),
    setLatest: (tenantId, assistantId, version) => write(() => {
      const current = read(tenantId, assistantId);
      if (!current) return undefined;
      const row = prepared('SELECT record FROM assistant_versions WHERE tenant_id = ? AND assistant_id = ? AND version = ?').get(tenantId, assistantId, version) as { record: string } | undefined;
      if (!row) throw new AppError('NOT_FOUND', `Assistant ${assistantId} has no version ${version}`);
      const next = atVersion(current, JSON.parse(row.record) as AssistantVersion, now());
      store(next, false);
      return next;
    }),
    delete: (tenantId, assistantId) => write(() => {
      prepared('DELETE FROM assistant_versions WHERE tenant_id = ? AND assistant_id = ?').run(tenantId, assistantId);
      return Number(prepared('DELETE FROM assistants WHERE tenant_id = ? AND assistant_id = ?').run(tenantId, assistantId).changes) > 0;
    }),
    search: async (tenantId, search) => pageOf(all(tenantId, search.graphId).filter((record) => matchesSearch(record, search)), search),
    count: async (tenantId, search) => all(tenantId, search.graphId).filter((record) => matchesSearch(record, search)).length,
    versions: async (tenantId, assistantId, options) => {
      const rows = prepared('SELECT record FROM assistant_versions WHERE tenant_id = ? AND assistant_id = ? ORDER BY version DESC').all(tenantId, assistantId) as Array<{ record: string }>;
      return rows
        .map((row) => JSON.parse(row.record) as AssistantVersion)
        .filter((version) => (options.metadata ?? []).every((matches) => matches(version.metadata)))
        .slice(options.offset, options.offset + options.limit);
    },
  }, 'Assistant store unavailable');
}
