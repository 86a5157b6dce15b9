import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedCorpusId } from './retriever.ts';
import type { Retriever, SearchHit, SearchMode, SourceDocument } from './retriever.ts';

const kettle: SourceDocument = {
  id: 'kettle-care',
  title: 'Kettle care',
  source: 'manuals/kettle.md',
  text: [
    '# Kettle care',
    '## Descaling',
    'Hard water leaves limescale inside the kettle. Descale it every month: fill it halfway with white vinegar and water, boil, leave it for an hour, then rinse twice.',
    '## Cleaning the filter',
    'The spout filter traps flakes of limescale. Slide it out, soak it in vinegar, brush it gently and slide it back before the next boil.',
    '## Safety',
    'Never immerse the base in water. Unplug the kettle before cleaning and let it cool down completely.',
  ].join('\n\n'),
};

const lamp: SourceDocument = {
  id: 'lamp-assembly',
  title: 'Lamp assembly',
  source: 'manuals/lamp.md',
  text: [
    '# Lamp assembly',
    '## Fitting the shade',
    'Screw the harp onto the saddle, rest the linen shade on top and tighten the finial by hand.',
    '## Choosing a bulb',
    'Use an LED bulb of at most 9 watts with an E26 base. Brighter bulbs overheat the linen shade.',
  ].join('\n\n'),
};

const sofa: SourceDocument = {
  id: 'sofa-fabric',
  title: 'Sofa fabric care',
  source: 'care/sofa.md',
  text: [
    '# Sofa fabric care',
    '## Everyday cleaning',
    'Vacuum the cushions weekly with the upholstery brush and turn them so they wear evenly.',
    '## Stains',
    'Blot spills at once with a dry white cloth. For wine stains use a mild soap solution, never bleach, and test it on a hidden part of the fabric first.',
  ].join('\n\n'),
};

const corpus = [kettle, lamp, sofa];

/**
 * Register the conformance suite every `Retriever` backend must pass: same documents in,
 * same filters, same tenant isolation, same results contract, same write accounting.
 * `createRetriever` is called before each test and the retriever closed after it; tests use
 * fresh random tenant ids and delete their documents, so a shared server index is fine.
 * @example describeRetrieverConformance('SQLite keyword', async () => createSqliteRetriever({ database: openDatabase(':memory:'), ownsDatabase: true }));
 */
export function describeRetrieverConformance(name: string, createRetriever: () => Promise<Retriever>): void {
  describe(`${name} retriever conformance`, () => {
    let retriever: Retriever;
    let tenant: string;
    let otherTenant: string;
    // Shared documents get ids of their own per test, and only those are deleted afterwards.
    let sharedIds: string[];
    const shared = (document: SourceDocument): SourceDocument => {
      const id = `${document.id}-${randomUUID()}`;
      sharedIds.push(id);
      return { ...document, id };
    };

    const modes = (): SearchMode[] => (retriever.capabilities.dense ? ['keyword', 'dense', 'hybrid'] : ['keyword', 'hybrid']);
    const search = (query: string, mode: SearchMode, extra: { limit?: number; filter?: { documentIds?: string[]; sources?: string[] } } = {}) =>
      retriever.search({ tenantId: tenant, query, mode, ...extra });

    beforeEach(async () => {
      retriever = await createRetriever();
      tenant = `conformance-${randomUUID()}`;
      otherTenant = `conformance-${randomUUID()}`;
      sharedIds = [];
    });

    afterEach(async () => {
      for (const tenantId of [tenant, otherTenant]) {
        await retriever.deleteDocuments(tenantId, await retriever.listDocumentIds(tenantId));
      }
      await retriever.deleteDocuments(sharedCorpusId, sharedIds);
      await retriever.close();
    });

    it('returns matching chunks best first, within the limit, in the hit shape', async () => {
      await retriever.upsertDocuments(tenant, corpus);
      for (const mode of modes()) {
        const hits = await search('how do I descale the kettle with vinegar', mode, { limit: 3 });
        expect(hits.length, mode).toBeGreaterThan(0);
        expect(hits.length, mode).toBeLessThanOrEqual(3);
        expect(hits[0]?.documentId, mode).toBe('kettle-care');
        expect(hits[0]?.headings, mode).toEqual(['Kettle care', 'Descaling']);
        for (const hit of hits) expectHitShape(hit);
        if (mode !== 'hybrid') expect(hits.map((hit) => hit.score), mode).toEqual([...hits.map((hit) => hit.score)].sort((a, b) => b - a));
      }
    });

    it('scores a chunk with every query word clearly above one sharing a single common word', async () => {
      await retriever.upsertDocuments(tenant, corpus);
      const [strong] = await search('descale the kettle with vinegar', 'keyword');
      const [weak] = await search('kettle rocket telescope galaxy', 'keyword');
      expect(strong?.score).toBeGreaterThan(0.6);
      expect(weak?.score).toBeLessThan(0.35);
    });

    it('finds nothing by keyword for a query sharing no word with the documents', async () => {
      await retriever.upsertDocuments(tenant, corpus);
      expect(await search('quantum chromodynamics lecture', 'keyword')).toEqual([]);
    });

    it('never fails on query text full of search syntax', async () => {
      await retriever.upsertDocuments(tenant, corpus);
      const queries = ['"', 'AND OR NOT', '(kettle', 'kettle*', 'NEAR(kettle shade)', 'title:kettle', '-kettle', '', '   ', "'; DROP TABLE x; --", '💥 ^ {} []'];
      for (const mode of modes()) {
        for (const query of queries) expect(Array.isArray(await search(query, mode)), `${mode} ${query}`).toBe(true);
      }
      expect((await search('kettle*', 'keyword'))[0]?.documentId).toBe('kettle-care');
    });

    it('returns only chunks of the requested documents', async () => {
      await retriever.upsertDocuments(tenant, corpus);
      for (const mode of modes()) {
        const hits = await search('clean the linen shade and the kettle filter', mode, { limit: 10, filter: { documentIds: ['lamp-assembly'] } });
        expect(hits.length, mode).toBeGreaterThan(0);
        expect(new Set(hits.map((hit) => hit.documentId)), mode).toEqual(new Set(['lamp-assembly']));
      }
    });

    it('returns only chunks from the requested sources, combined with document ids', async () => {
      await retriever.upsertDocuments(tenant, corpus);
      for (const mode of modes()) {
        const bySource = await search('cleaning stains limescale shade', mode, { limit: 10, filter: { sources: ['manuals/kettle.md', 'care/sofa.md'] } });
        expect(new Set(bySource.map((hit) => hit.source)), mode).toEqual(new Set(['manuals/kettle.md', 'care/sofa.md']));
        const both = await search('cleaning stains limescale shade', mode, { limit: 10, filter: { sources: ['manuals/kettle.md'], documentIds: ['sofa-fabric'] } });
        expect(both, mode).toEqual([]);
      }
    });

    it('returns nothing for an empty filter list', async () => {
      await retriever.upsertDocuments(tenant, corpus);
      for (const mode of modes()) {
        expect(await search('kettle', mode, { filter: { documentIds: [] } }), mode).toEqual([]);
        expect(await search('kettle', mode, { filter: { sources: [] } }), mode).toEqual([]);
      }
    });

    it('keeps tenants apart in search, listing and deletion', async () => {
      await retriever.upsertDocuments(tenant, [kettle]);
      const secret: SourceDocument = { id: 'kettle-care', source: 'manuals/kettle.md', text: '# Kettle care\n\nThe vault code is marmalade zeppelin kettle.' };
      await retriever.upsertDocuments(otherTenant, [secret, lamp]);

      expect(await retriever.listDocumentIds(tenant)).toEqual(['kettle-care']);
      expect(await retriever.listDocumentIds(otherTenant)).toEqual(['kettle-care', 'lamp-assembly']);
      for (const mode of modes()) {
        const hits = await search('marmalade zeppelin vault code kettle shade bulb', mode, { limit: 20 });
        expect(hits.some((hit) => /marmalade|shade|bulb/i.test(hit.text)), mode).toBe(false);
      }
      expect(await retriever.deleteDocuments(tenant, ['kettle-care', 'lamp-assembly'])).toBe(1);
      expect(await retriever.listDocumentIds(otherTenant)).toEqual(['kettle-care', 'lamp-assembly']);
      const [other] = await retriever.search({ tenantId: otherTenant, query: 'marmalade zeppelin', mode: 'keyword' });
      expect(other?.text).toContain('marmalade');
    });

    it('finds its own documents even when another tenant holds many better matches', async () => {
      await retriever.upsertDocuments(tenant, [kettle]);
      const crowd = Array.from({ length: 60 }, (_, index) => ({
        id: `crowd-${index}`,
        source: 'crowd.md',
        text: `# Crowd ${index}\n\nDescale the kettle with white vinegar, descale the kettle with white vinegar.`,
      }));
      await retriever.upsertDocuments(otherTenant, crowd);
      for (const mode of modes()) {
        const hits = await search('descale the kettle with white vinegar', mode, { limit: 2 });
        expect(hits.map((hit) => hit.documentId), mode).toEqual(['kettle-care', 'kettle-care']);
      }
    });

    it('shows shared documents to every tenant beside its own, never one tenant\'s to another, and says where each hit came from', async () => {
      const sharedLamp = shared(lamp);
      await retriever.upsertDocuments(sharedCorpusId, [sharedLamp]);
      await retriever.upsertDocuments(tenant, [kettle]);
      for (const mode of modes()) {
        for (const tenantId of [tenant, otherTenant]) {
          const [bulb] = await retriever.search({ tenantId, query: 'LED bulb watts for the linen shade', mode });
          expect(bulb, `${mode} ${tenantId === tenant ? 'tenant' : 'other tenant'}`).toMatchObject({ documentId: sharedLamp.id, scope: 'shared' });
        }
        const own = await search('descale the kettle with vinegar', mode, { limit: 3 });
        expect(own[0], mode).toMatchObject({ documentId: 'kettle-care', scope: 'tenant' });
        const other = await retriever.search({ tenantId: otherTenant, query: 'descale the kettle with vinegar limescale', mode, limit: 20 });
        expect(other.some((hit) => hit.documentId === 'kettle-care'), mode).toBe(false);
        // One ranking over both: a query about either finds it first, whichever corpus holds it.
        const mixed = await search('descale the kettle, then fit a 9 watt LED bulb', mode, { limit: 10 });
        expect(new Set(mixed.map((hit) => hit.scope)), mode).toEqual(new Set(['tenant', 'shared']));
        if (mode !== 'hybrid') expect(mixed.map((hit) => hit.score), mode).toEqual([...mixed.map((hit) => hit.score)].sort((a, b) => b - a));
        for (const hit of mixed) expect(hit.score, mode).toBeLessThanOrEqual(1);
      }
      expect(await retriever.listDocumentIds(tenant)).toEqual(['kettle-care']);
      expect(await retriever.listDocumentIds(sharedCorpusId)).toContain(sharedLamp.id);
    });

    it('applies filters to the shared corpus too', async () => {
      const sharedKettle = shared(kettle);
      await retriever.upsertDocuments(sharedCorpusId, [sharedKettle]);
      await retriever.upsertDocuments(tenant, [kettle]);
      for (const mode of modes()) {
        const own = await search('descale the kettle with vinegar', mode, { limit: 20, filter: { documentIds: ['kettle-care'] } });
        expect(own.length, mode).toBeGreaterThan(0);
        expect(new Set(own.map((hit) => hit.scope)), mode).toEqual(new Set(['tenant']));
        const sharedOnly = await search('descale the kettle with vinegar', mode, { limit: 20, filter: { documentIds: [sharedKettle.id] } });
        expect(sharedOnly.length, mode).toBeGreaterThan(0);
        expect(new Set(sharedOnly.map((hit) => hit.scope)), mode).toEqual(new Set(['shared']));
      }
    });

    it('never lets a tenant\'s writes change the shared corpus, even under a shared document\'s id', async () => {
      const sharedKettle = shared(kettle);
      await retriever.upsertDocuments(sharedCorpusId, [sharedKettle]);
      const impostor: SourceDocument = { id: sharedKettle.id, source: sharedKettle.source, text: '# Kettle care\n\nNever descale: pour marmalade zeppelin syrup into the kettle.' };
      expect(await retriever.upsertDocuments(tenant, [impostor])).toMatchObject({ added: 1, updated: 0 });

      // The tenant sees its own document beside the shared one; everyone else only the shared one.
      const [own] = await search('marmalade zeppelin syrup', 'keyword');
      expect(own).toMatchObject({ documentId: sharedKettle.id, scope: 'tenant' });
      expect(await retriever.search({ tenantId: otherTenant, query: 'marmalade zeppelin syrup', mode: 'keyword' })).toEqual([]);
      const [original] = await retriever.search({ tenantId: otherTenant, query: 'descale the kettle with white vinegar', mode: 'keyword' });
      expect(original).toMatchObject({ documentId: sharedKettle.id, scope: 'shared' });
      expect(original?.text).toContain('white vinegar');

      // Deleting (and pruning) through the tenant touches only the tenant's own documents.
      expect(await retriever.deleteDocuments(tenant, [sharedKettle.id])).toBe(1);
      expect(await retriever.listDocumentIds(tenant)).toEqual([]);
      expect(await retriever.listDocumentIds(sharedCorpusId)).toContain(sharedKettle.id);
      const [still] = await search('descale the kettle with white vinegar', 'keyword');
      expect(still).toMatchObject({ documentId: sharedKettle.id, scope: 'shared' });
    });

    it('counts added documents, then writes nothing when the same documents come again', async () => {
      const first = await retriever.upsertDocuments(tenant, corpus);
      expect(first).toMatchObject({ added: 3, updated: 0, unchanged: 0, deleted: 0 });
      expect(first.chunks.written).toBeGreaterThanOrEqual(7);
      const again = await retriever.upsertDocuments(tenant, corpus);
      expect(again).toEqual({ added: 0, updated: 0, unchanged: 3, deleted: 0, chunks: { written: 0, unchanged: first.chunks.written, deleted: 0 } });
    });

    it('rewrites only the changed chunk when one section changes', async () => {
      const first = await retriever.upsertDocuments(tenant, [kettle]);
      const edited = { ...kettle, text: kettle.text.replace('white vinegar and water', 'citric acid solution') };
      const report = await retriever.upsertDocuments(tenant, [edited]);
      expect(report).toEqual({ added: 0, updated: 1, unchanged: 0, deleted: 0, chunks: { written: 1, unchanged: first.chunks.written - 1, deleted: 1 } });
      for (const mode of modes()) {
        const [hit] = await search('descale with citric acid', mode);
        expect(hit?.text, mode).toContain('citric acid');
        expect((await search('descaling', mode, { limit: 10 })).some((found) => found.text.includes('white vinegar and water')), mode).toBe(false);
      }
    });

    it('keeps unchanged chunks when a section is inserted before them', async () => {
      const first = await retriever.upsertDocuments(tenant, [lamp]);
      const inserted = { ...lamp, text: lamp.text.replace('## Fitting the shade', '## In the box\n\nA brass base, a harp, a finial and a linen shade.\n\n## Fitting the shade') };
      const report = await retriever.upsertDocuments(tenant, [inserted]);
      expect(report.chunks).toEqual({ written: 1, unchanged: first.chunks.written, deleted: 0 });
      const [bulb] = await search('LED bulb watts', 'keyword');
      expect(bulb?.chunkIndex).toBe(first.chunks.written);
    });

    it('drops the chunks of sections that were removed', async () => {
      const first = await retriever.upsertDocuments(tenant, [kettle]);
      const shorter = { ...kettle, text: kettle.text.slice(0, kettle.text.indexOf('## Safety')) };
      const report = await retriever.upsertDocuments(tenant, [shorter]);
      expect(report.chunks).toEqual({ written: 0, unchanged: first.chunks.written - 1, deleted: 1 });
      for (const mode of modes()) {
        expect((await search('immerse the base unplug', mode, { limit: 10 })).some((hit) => hit.text.includes('immerse')), mode).toBe(false);
      }
    });

    it('updates metadata without rewriting chunks', async () => {
      await retriever.upsertDocuments(tenant, [kettle]);
      const report = await retriever.upsertDocuments(tenant, [{ ...kettle, metadata: { language: 'en', revision: 2 } }]);
      expect(report).toMatchObject({ updated: 1, chunks: { written: 0, deleted: 0 } });
    });

    it('deletes documents with all their chunks and counts only those that existed', async () => {
      await retriever.upsertDocuments(tenant, corpus);
      expect(await retriever.deleteDocuments(tenant, ['kettle-care', 'no-such-document'])).toBe(1);
      expect(await retriever.listDocumentIds(tenant)).toEqual(['lamp-assembly', 'sofa-fabric']);
      for (const mode of modes()) {
        expect((await search('descale kettle limescale', mode, { limit: 20 })).some((hit) => hit.documentId === 'kettle-care'), mode).toBe(false);
      }
      expect(await retriever.deleteDocuments(tenant, [])).toBe(0);
    });

    it('moves the write generation with every write to the tenant or the shared corpus, never with another tenant\'s', async () => {
      const generation = () => retriever.generation!(tenant);
      const start = await generation();
      await retriever.upsertDocuments(tenant, [kettle]);
      const afterUpsert = await generation();
      expect(afterUpsert).not.toBe(start);
      await retriever.upsertDocuments(tenant, [kettle]);
      expect(await generation(), 'an upsert that changes nothing').toBe(afterUpsert);
      await retriever.upsertDocuments(otherTenant, [lamp]);
      expect(await generation(), 'another tenant\'s write').toBe(afterUpsert);
      await retriever.upsertDocuments(sharedCorpusId, [shared(sofa)]);
      const afterShared = await generation();
      expect(afterShared).not.toBe(afterUpsert);
      await retriever.deleteDocuments(tenant, ['kettle-care']);
      expect(await generation()).not.toBe(afterShared);
    });

    it('lists only the documents matching a filter, of this tenant alone', async () => {
      await retriever.upsertDocuments(tenant, corpus);
      await retriever.upsertDocuments(otherTenant, [kettle]);
      expect(await retriever.listDocumentIds(tenant, { sources: ['manuals/kettle.md', 'care/sofa.md'] })).toEqual(['kettle-care', 'sofa-fabric']);
      expect(await retriever.listDocumentIds(tenant, { documentIds: ['lamp-assembly', 'kettle-care'], sources: ['manuals/lamp.md'] })).toEqual(['lamp-assembly']);
      expect(await retriever.listDocumentIds(tenant, { documentIds: [] })).toEqual([]);
      expect(await retriever.listDocumentIds(otherTenant, { sources: ['care/sofa.md'] })).toEqual([]);
    });

    it('refuses a request without a tenant', async () => {
      await expect(retriever.search({ tenantId: '', query: 'kettle' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(retriever.upsertDocuments(' ', [kettle])).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });

    it('refuses dense search only when it has no embedding model', async () => {
      await retriever.upsertDocuments(tenant, corpus);
      const dense = search('descale the kettle with vinegar', 'dense');
      if (retriever.capabilities.dense) expect((await dense)[0]?.documentId).toBe('kettle-care');
      else await expect(dense).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });
  });
}

function expectHitShape(hit: SearchHit): void {
  expect(typeof hit.documentId).toBe('string');
  expect(hit.chunkId).toBe(`${hit.documentId}#${hit.chunkIndex}`);
  expect(Number.isInteger(hit.chunkIndex) && hit.chunkIndex >= 0).toBe(true);
  expect(hit.text.length).toBeGreaterThan(0);
  expect(hit.source.length).toBeGreaterThan(0);
  expect(hit.title).toBe(corpus.find((document) => document.id === hit.documentId)?.title);
  expect(hit.headings[0]).toBe(hit.title);
  expect(hit.scope).toBe('tenant');
  expect(hit.score).toBeGreaterThanOrEqual(0);
  expect(hit.score).toBeLessThanOrEqual(1);
  for (const value of Object.values(hit.scores)) expect(Number.isFinite(value)).toBe(true);
}
