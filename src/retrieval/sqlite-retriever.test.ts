import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.ts';
import { HashingEmbedder } from './hashing-embedder.ts';
import { describeRetrieverConformance } from './retriever-conformance.ts';
import { createSqliteRetriever } from './sqlite-retriever.ts';

describeRetrieverConformance('SQLite keyword', async () =>
  createSqliteRetriever({ database: openDatabase(':memory:'), ownsDatabase: true }),
);

describeRetrieverConformance('SQLite hybrid with the hashing embedder', async () =>
  createSqliteRetriever({ database: openDatabase(':memory:'), embeddings: new HashingEmbedder(), ownsDatabase: true }),
);

describeRetrieverConformance('SQLite hybrid through vector signatures', async () =>
  createSqliteRetriever({
    database: openDatabase(':memory:'),
    embeddings: new HashingEmbedder(),
    exactDenseSearchUpTo: 0,
    ownsDatabase: true,
  }),
);

const manual = {
  id: 'manual',
  source: 'manual.md',
  title: 'Manual',
  text: '# Manual\n\n## Setup\n\nPlug the toaster in.\n\n## Crumbs\n\nEmpty the crumb tray weekly.',
};

/** A real embedder that also records what it was asked to embed. */
function countingEmbedder() {
  const inner = new HashingEmbedder({ dimensions: 64 });
  const embedded: string[] = [];
  return {
    embedded,
    embedDocuments: async (texts: string[]) => {
      embedded.push(...texts);
      return inner.embedDocuments(texts);
    },
    embedQuery: async (text: string) => inner.embedQuery(text),
  };
}

describe('SQLite retriever', () => {
  it('embeds only the chunks it has no vector for', async () => {
    const embeddings = countingEmbedder();
    const retriever = createSqliteRetriever({ database: openDatabase(':memory:'), embeddings, ownsDatabase: true });
    await retriever.upsertDocuments('t', [manual]);
    expect(embeddings.embedded).toHaveLength(2);
    await retriever.upsertDocuments('t', [manual]);
    await retriever.upsertDocuments('t', [{ ...manual, text: manual.text.replace('weekly', 'daily') }]);
    expect(embeddings.embedded).toHaveLength(3);
    expect(embeddings.embedded[2]).toBe('Manual > Crumbs\n\nEmpty the crumb tray daily.');
    await retriever.close();
  });

  it('answers UPSTREAM_UNAVAILABLE when the embedding model fails a hybrid query, and keyword search still works', async () => {
    const inner = new HashingEmbedder({ dimensions: 64 });
    const embeddings = {
      embedDocuments: (texts: string[]) => inner.embedDocuments(texts),
      embedQuery: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      },
    };
    const retriever = createSqliteRetriever({ database: openDatabase(':memory:'), embeddings, ownsDatabase: true });
    await retriever.upsertDocuments('t', [manual]);
    await expect(retriever.search({ tenantId: 't', query: 'crumb tray', mode: 'hybrid' })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    const hits = await retriever.search({ tenantId: 't', query: 'crumb tray', mode: 'keyword' });
    expect(hits[0]?.text).toMatch(/crumb tray/);
    await retriever.close();
  });

  it('keeps the vector and full-text indexes in step with the chunks', async () => {
    const database = openDatabase(':memory:');
    const retriever = createSqliteRetriever({ database, embeddings: new HashingEmbedder() });
    await retriever.upsertDocuments('t', [manual, { ...manual, id: 'copy' }]);
    await retriever.upsertDocuments('t', [{ ...manual, text: '# Manual\n\nOnly one section now.' }]);
    await retriever.deleteDocuments('t', ['copy']);
    const count = (sql: string) => Number(database.prepare(sql).get()?.count);
    expect(count('SELECT count(*) AS count FROM retrieval_chunks')).toBe(1);
    expect(count('SELECT count(*) AS count FROM retrieval_chunk_vectors')).toBe(1);
    expect(count(`SELECT count(*) AS count FROM retrieval_chunks_fts WHERE retrieval_chunks_fts MATCH 'crumb OR toaster OR section'`)).toBe(1);
    await retriever.close();
    database.close();
  });

  it('adds vectors for chunks indexed before an embedding model was configured', async () => {
    const database = openDatabase(':memory:');
    await createSqliteRetriever({ database }).upsertDocuments('t', [manual]);
    const hybrid = createSqliteRetriever({ database, embeddings: new HashingEmbedder() });
    expect(await hybrid.upsertDocuments('t', [manual])).toMatchObject({ unchanged: 1, chunks: { written: 0 } });
    const [hit] = await hybrid.search({ tenantId: 't', query: 'crumb tray', mode: 'dense' });
    expect(hit?.text).toContain('crumb tray');
    database.close();
  });

  it('refuses an embedding model whose vectors differ in length from the index', async () => {
    const database = openDatabase(':memory:');
    await createSqliteRetriever({ database, embeddings: new HashingEmbedder({ dimensions: 32 }) }).upsertDocuments('t', [manual]);
    const other = createSqliteRetriever({ database, embeddings: new HashingEmbedder({ dimensions: 48 }) });
    await expect(other.upsertDocuments('t', [{ ...manual, id: 'other' }])).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(() => createSqliteRetriever({ database, embeddings: new HashingEmbedder({ dimensions: 48 }), dimensions: 48 })).toThrow(/rebuild/);
    database.close();
  });

  it('rebuilds a full-text index made before the tenant column existed, keeping its chunks searchable', async () => {
    const database = openDatabase(':memory:');
    database.exec(`
      CREATE TABLE retrieval_documents (tenant_id TEXT NOT NULL, document_id TEXT NOT NULL, source TEXT NOT NULL, title TEXT,
        metadata TEXT NOT NULL, content_hash TEXT NOT NULL, PRIMARY KEY (tenant_id, document_id)) WITHOUT ROWID;
      CREATE TABLE retrieval_chunks (id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, document_id TEXT NOT NULL, chunk_index INTEGER NOT NULL,
        content_hash TEXT NOT NULL, source TEXT NOT NULL, title TEXT, headings TEXT NOT NULL, text TEXT NOT NULL,
        FOREIGN KEY (tenant_id, document_id) REFERENCES retrieval_documents (tenant_id, document_id) ON DELETE CASCADE);
      CREATE VIRTUAL TABLE retrieval_chunks_fts USING fts5(headings, text, content = 'retrieval_chunks', content_rowid = 'id');
      CREATE TRIGGER retrieval_chunks_fts_insert AFTER INSERT ON retrieval_chunks BEGIN
        INSERT INTO retrieval_chunks_fts (rowid, headings, text) VALUES (new.id, new.headings, new.text);
      END;
      INSERT INTO retrieval_documents VALUES ('t', 'old', 'old.md', NULL, '{}', 'hash');
      INSERT INTO retrieval_chunks (tenant_id, document_id, chunk_index, content_hash, source, headings, text)
        VALUES ('t', 'old', 0, 'hash', 'old.md', 'Old', 'The toaster warranty lasts a year.');
    `);
    const retriever = createSqliteRetriever({ database });
    expect((await retriever.search({ tenantId: 't', query: 'toaster warranty', mode: 'keyword' }))[0]?.documentId).toBe('old');
    expect(await retriever.search({ tenantId: 'other', query: 'toaster warranty', mode: 'keyword' })).toEqual([]);
    await retriever.deleteDocuments('t', ['old']);
    expect(await retriever.search({ tenantId: 't', query: 'toaster warranty', mode: 'keyword' })).toEqual([]);
    database.close();
  });

  it('keeps the index in the database file across reopening', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'overseer-retrieval-'));
    try {
      const file = path.join(directory, 'index.db');
      const first = createSqliteRetriever({ database: openDatabase(file), ownsDatabase: true });
      await first.upsertDocuments('t', [manual]);
      await first.close();
      const second = createSqliteRetriever({ database: openDatabase(file), ownsDatabase: true });
      expect(await second.upsertDocuments('t', [manual])).toMatchObject({ unchanged: 1 });
      expect((await second.search({ tenantId: 't', query: 'toaster' }))[0]?.documentId).toBe('manual');
      await second.close();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('sees documents and statistics changed through another retriever on the same database', async () => {
    const database = openDatabase(':memory:');
    const reader = createSqliteRetriever({ database, embeddings: new HashingEmbedder(), exactDenseSearchUpTo: 0 });
    const writer = createSqliteRetriever({ database, embeddings: new HashingEmbedder() });
    await writer.upsertDocuments('t', [manual]);
    const dense = (query: string) => reader.search({ tenantId: 't', query, mode: 'dense' });
    expect((await dense('kettle descaling')).map((hit) => hit.documentId)).not.toContain('kettle');
    const before = await reader.search({ tenantId: 't', query: 'toaster crumb', mode: 'keyword' });
    const kettle = { id: 'kettle', source: 'kettle.md', text: '# Kettle\n\nDescale the kettle monthly. The toaster is elsewhere.' };
    await writer.upsertDocuments('t', [kettle]);
    expect((await dense('kettle descaling'))[0]?.documentId).toBe('kettle');
    // "toaster" is now in two chunks of two, so it weighs less, exactly as a fresh retriever sees it.
    const after = await reader.search({ tenantId: 't', query: 'toaster crumb', mode: 'keyword' });
    const fresh = await createSqliteRetriever({ database }).search({ tenantId: 't', query: 'toaster crumb', mode: 'keyword' });
    expect(after.map((hit) => hit.score)).toEqual(fresh.map((hit) => hit.score));
    expect(after[0]?.score).not.toBe(before[0]?.score);
    await writer.deleteDocuments('t', ['kettle']);
    expect((await dense('kettle descaling')).map((hit) => hit.documentId)).not.toContain('kettle');
    database.close();
  });

  it('returns a chunk written after a query and never a deleted one through vector signatures', async () => {
    const database = openDatabase(':memory:');
    const reader = createSqliteRetriever({ database, embeddings: new HashingEmbedder(), exactDenseSearchUpTo: 0 });
    const writer = createSqliteRetriever({ database, embeddings: new HashingEmbedder() });
    const fresh = () => createSqliteRetriever({ database, embeddings: new HashingEmbedder(), exactDenseSearchUpTo: 0 });
    const kettle = { id: 'kettle', source: 'kettle.md', text: '# Kettle\n\nDescale the kettle monthly with citric acid.' };
    const lamp = { id: 'lamp', source: 'lamp.md', text: '# Lamp\n\nReplace the lamp bulb with a warm LED.' };
    const dense = async (retriever: ReturnType<typeof fresh>, query: string) =>
      (await retriever.search({ tenantId: 't', query, mode: 'dense' })).map((hit) => `${hit.documentId}: ${hit.text}`);

    await writer.upsertDocuments('t', [manual]);
    expect(await dense(reader, 'kettle descaling')).not.toContainEqual(expect.stringContaining('kettle'));
    await writer.upsertDocuments('t', [kettle]);
    expect((await dense(reader, 'descale the kettle'))[0]).toBe('kettle: Descale the kettle monthly with citric acid.');

    // The kettle holds the highest chunk id, so the lamp's chunk takes the same id after the delete.
    await writer.deleteDocuments('t', ['kettle']);
    await writer.upsertDocuments('t', [lamp]);
    const afterReuse = await dense(reader, 'descale the kettle');
    expect(afterReuse).not.toContainEqual(expect.stringContaining('kettle:'));
    expect((await dense(reader, 'replace the lamp bulb'))[0]).toBe('lamp: Replace the lamp bulb with a warm LED.');
    expect(afterReuse).toEqual(await dense(fresh(), 'descale the kettle'));

    await writer.deleteDocuments('t', ['manual']);
    expect(await dense(reader, 'crumb tray toaster')).toEqual(['lamp: Replace the lamp bulb with a warm LED.']);
    database.close();
  });

  it('computes signatures once for vectors stored before signatures existed', async () => {
    const database = openDatabase(':memory:');
    await createSqliteRetriever({ database, embeddings: new HashingEmbedder() }).upsertDocuments('t', [manual]);
    database.exec('DROP TABLE retrieval_chunk_signatures; DROP TABLE retrieval_chunk_embeddings');
    const retriever = createSqliteRetriever({ database, embeddings: new HashingEmbedder(), exactDenseSearchUpTo: 0 });
    const [hit] = await retriever.search({ tenantId: 't', query: 'crumb tray', mode: 'dense' });
    expect(hit?.text).toContain('crumb tray');
    expect(hit?.score).toBeGreaterThan(0.5);
    database.close();
  });

  it('keeps searching signatures stored before they were tagged with a generation', async () => {
    const database = openDatabase(':memory:');
    await createSqliteRetriever({ database, embeddings: new HashingEmbedder() }).upsertDocuments('t', [manual]);
    database.exec('DROP INDEX retrieval_chunk_signatures_by_generation; ALTER TABLE retrieval_chunk_signatures DROP COLUMN generation');
    const retriever = createSqliteRetriever({ database, embeddings: new HashingEmbedder(), exactDenseSearchUpTo: 0 });
    expect((await retriever.search({ tenantId: 't', query: 'crumb tray', mode: 'dense' }))[0]?.text).toContain('crumb tray');
    await retriever.upsertDocuments('t', [{ id: 'kettle', source: 'kettle.md', text: '# Kettle\n\nDescale the kettle monthly.' }]);
    expect((await retriever.search({ tenantId: 't', query: 'descale the kettle', mode: 'dense' }))[0]?.documentId).toBe('kettle');
    database.close();
  });

  it('refuses documents with missing or repeated ids and calls after close', async () => {
    const retriever = createSqliteRetriever({ database: openDatabase(':memory:'), ownsDatabase: true });
    await expect(retriever.upsertDocuments('t', [manual, manual])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(retriever.upsertDocuments('t', [{ ...manual, id: '' }])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(retriever.search({ tenantId: 't', query: 'x', limit: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await retriever.close();
    await expect(retriever.search({ tenantId: 't', query: 'toaster' })).rejects.toThrow(/closed/);
  });
});
