import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metadataMatches } from '../runs/index.ts';
import type { AssistantRecord } from './assistant-record.ts';
import type { AssistantRepository } from './assistant-repository.ts';

export interface AssistantRepositoryFixture {
  repository: AssistantRepository;
  cleanup: () => Promise<void>;
}

const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString();

function assistant(overrides: Partial<AssistantRecord> & Pick<AssistantRecord, 'assistant_id'>): AssistantRecord {
  return {
    tenant_id: 'tenant-a',
    graph_id: 'supervisor',
    name: 'Support desk',
    description: null,
    config: { configurable: { tone: 'formal' } },
    context: {},
    metadata: { team: 'support' },
    version: 1,
    created_at: at(0),
    updated_at: at(0),
    ...overrides,
  };
}

const withMetadata = (filter: Record<string, unknown>) => [(metadata: Record<string, unknown>) => metadataMatches(metadata, filter)];

/** The behaviour every assistant store shares (SQLite, Redis), run against each. */
export function describeAssistantRepositoryContract(name: string, create: (clock: () => Date) => Promise<AssistantRepositoryFixture>) {
  describe(`assistant repository contract (${name})`, () => {
    let fixture: AssistantRepositoryFixture;
    let repository: AssistantRepository;
    let minute = 10;
    beforeEach(async () => {
      minute = 10;
      fixture = await create(() => new Date(Date.UTC(2025, 0, 1, 0, minute++)));
      repository = fixture.repository;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('creates an assistant once per id and tenant', async () => {
      await repository.create(assistant({ assistant_id: 'desk' }));
      await expect(repository.create(assistant({ assistant_id: 'desk' }))).rejects.toMatchObject({ code: 'CONFLICT' });
      await repository.create(assistant({ assistant_id: 'desk', tenant_id: 'tenant-b', name: 'Theirs' }));
      expect((await repository.get('tenant-a', 'desk'))?.name).toBe('Support desk');
      expect((await repository.get('tenant-b', 'desk'))?.name).toBe('Theirs');
      expect(await repository.get('tenant-c', 'desk')).toBeUndefined();
    });

    it('makes a version of every update, merging metadata, and lists versions newest first', async () => {
      await repository.create(assistant({ assistant_id: 'desk' }));
      const second = await repository.update('tenant-a', 'desk', { name: 'Desk v2', metadata: { tier: 'gold' } });
      expect(second).toMatchObject({ version: 2, name: 'Desk v2', metadata: { team: 'support', tier: 'gold' }, config: { configurable: { tone: 'formal' } } });
      const third = await repository.update('tenant-a', 'desk', { config: { configurable: { tone: 'casual' } } });
      expect(third).toMatchObject({ version: 3, name: 'Desk v2', config: { configurable: { tone: 'casual' } } });
      expect(third!.updated_at > third!.created_at).toBe(true);
      const versions = await repository.versions('tenant-a', 'desk', { limit: 10, offset: 0 });
      expect(versions.map((version) => version.version)).toEqual([3, 2, 1]);
      expect(versions[2]).toMatchObject({ name: 'Support desk', config: { configurable: { tone: 'formal' } } });
      expect(await repository.versions('tenant-a', 'desk', { limit: 10, offset: 0, metadata: withMetadata({ tier: 'gold' }) })).toHaveLength(2);
      expect(await repository.update('tenant-b', 'desk', { name: 'x' })).toBeUndefined();
    });

    it('switches to an earlier version, and numbers the next update after the highest', async () => {
      await repository.create(assistant({ assistant_id: 'desk' }));
      await repository.update('tenant-a', 'desk', { config: { configurable: { tone: 'casual' } } });
      const back = await repository.setLatest('tenant-a', 'desk', 1);
      expect(back).toMatchObject({ version: 1, config: { configurable: { tone: 'formal' } } });
      expect((await repository.get('tenant-a', 'desk'))?.version).toBe(1);
      await expect(repository.setLatest('tenant-a', 'desk', 9)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await repository.update('tenant-a', 'desk', { name: 'again' }))?.version).toBe(3);
    });

    it('searches, counts and pages a tenant\'s assistants, newest first', async () => {
      await repository.create(assistant({ assistant_id: 'a', created_at: at(1), name: 'Alpha' }));
      await repository.create(assistant({ assistant_id: 'b', created_at: at(2), graph_id: 'retriever', name: 'Beta' }));
      await repository.create(assistant({ assistant_id: 'c', created_at: at(3), metadata: { team: 'sales' }, name: 'Gamma' }));
      await repository.create(assistant({ assistant_id: 'z', tenant_id: 'tenant-b' }));
      expect((await repository.search('tenant-a', { limit: 10, offset: 0 })).map((found) => found.assistant_id)).toEqual(['c', 'b', 'a']);
      expect((await repository.search('tenant-a', { limit: 1, offset: 1 })).map((found) => found.assistant_id)).toEqual(['b']);
      expect((await repository.search('tenant-a', { limit: 10, offset: 0, sortBy: 'name', sortOrder: 'asc' })).map((found) => found.name)).toEqual(['Alpha', 'Beta', 'Gamma']);
      expect((await repository.search('tenant-a', { graphId: 'retriever', limit: 10, offset: 0 })).map((found) => found.assistant_id)).toEqual(['b']);
      expect((await repository.search('tenant-a', { name: 'GAM', limit: 10, offset: 0 })).map((found) => found.assistant_id)).toEqual(['c']);
      expect(await repository.count('tenant-a', { metadata: withMetadata({ team: 'support' }) })).toBe(2);
      expect(await repository.count('tenant-b', {})).toBe(1);
    });

    it('deletes an assistant with its versions, in its tenant only', async () => {
      await repository.create(assistant({ assistant_id: 'desk' }));
      await repository.create(assistant({ assistant_id: 'desk', tenant_id: 'tenant-b' }));
      await repository.update('tenant-a', 'desk', { name: 'v2' });
      expect(await repository.delete('tenant-a', 'desk')).toBe(true);
      expect(await repository.delete('tenant-a', 'desk')).toBe(false);
      expect(await repository.get('tenant-a', 'desk')).toBeUndefined();
      expect(await repository.versions('tenant-a', 'desk', { limit: 10, offset: 0 })).toEqual([]);
      expect(await repository.count('tenant-a', {})).toBe(0);
      expect(await repository.get('tenant-b', 'desk')).toBeDefined();
      // The id can be used again, from version 1.
      expect((await repository.create(assistant({ assistant_id: 'desk' }))).version).toBe(1);
      expect(await repository.versions('tenant-a', 'desk', { limit: 10, offset: 0 })).toHaveLength(1);
    });
  });
}
