import type { DatabaseSync } from 'node:sqlite';
import { Annotation, END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { InMemoryStore, InvalidNamespaceError } from '@langchain/langgraph-checkpoint';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.ts';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';
import { describeStoreBehaviour, VocabularyEmbeddings } from './store-behaviour.ts';
import { createTenantStore } from './tenant-store.ts';

const databases: DatabaseSync[] = [];
const closeDatabases = () => {
  for (const database of databases.splice(0)) database.close();
};

function openSqliteStore(options: Omit<SqliteStoreOptions, 'database'> = {}): SqliteStore {
  const database = openDatabase(':memory:');
  databases.push(database);
  return new SqliteStore({ database, ...options });
}

describeStoreBehaviour({
  name: 'Tenant view of SqliteStore',
  create: async (options) => {
    const inner = openSqliteStore(options);
    // A neighbour in the same store: the suite's exact expectations only hold if it stays invisible.
    await inner.put(['tenant-b', 'users'], 'ada', { neighbour: true });
    return { store: createTenantStore(inner, 'tenant-a'), sweepExpired: () => inner.sweepExpired() };
  },
  cleanup: closeDatabases,
  capabilities: { clock: true, lexicalQuery: true, prunesEmptyNamespaces: true, ttl: true },
});

describeStoreBehaviour({
  name: 'Tenant view of InMemoryStore',
  create: ({ index }) => ({ store: createTenantStore(new InMemoryStore(index ? { index } : undefined), 'tenant-a') }),
  capabilities: { clock: false, lexicalQuery: false, prunesEmptyNamespaces: false, ttl: false },
});

describe('createTenantStore', () => {
  afterEach(closeDatabases);

  it('never shows one tenant the items of another', async () => {
    const inner = openSqliteStore();
    const red = createTenantStore(inner, 'red');
    const blue = createTenantStore(inner, 'blue');
    await red.put(['users', 'ada'], 'profile', { owner: 'red' });
    await blue.put(['users', 'ada'], 'profile', { owner: 'blue' });
    await blue.put(['users', 'ada'], 'blue-only', { owner: 'blue' });
    expect((await red.get(['users', 'ada'], 'profile'))?.value).toEqual({ owner: 'red' });
    expect(await red.get(['users', 'ada'], 'blue-only')).toBeNull();
    expect((await red.search([])).map((item) => [item.namespace, item.key, item.value.owner])).toEqual([[['users', 'ada'], 'profile', 'red']]);
    expect(await red.search(['users'], { filter: { owner: 'blue' } })).toEqual([]);
    await blue.delete(['users', 'ada'], 'profile');
    expect((await red.get(['users', 'ada'], 'profile'))?.value).toEqual({ owner: 'red' });
  });

  it("never ranks another tenant's items in a semantic search", async () => {
    const inner = openSqliteStore({ index: { dims: 8, embeddings: new VocabularyEmbeddings() } });
    const red = createTenantStore(inner, 'red');
    const blue = createTenantStore(inner, 'blue');
    await red.put(['notes'], 'weak', { text: 'pizza cat dog' });
    await blue.put(['notes'], 'strong', { text: 'pizza' });
    expect((await red.search([], { query: 'pizza' })).map((item) => item.key)).toEqual(['weak']);
  });

  it('never lists the namespaces of another tenant, whatever the conditions', async () => {
    const inner = openSqliteStore();
    const red = createTenantStore(inner, 'red');
    const blue = createTenantStore(inner, 'blue');
    await red.put(['shared', 'x'], 'item', { a: 1 });
    await red.put(['red-only'], 'item', { a: 1 });
    await blue.put(['x'], 'item', { a: 1 });
    expect(await blue.listNamespaces()).toEqual([['x']]);
    expect(await blue.listNamespaces({ prefix: ['*'] })).toEqual([['x']]);
    expect(await blue.listNamespaces({ maxDepth: 1 })).toEqual([['x']]);
    // Without care the wildcard would match the tenant label of blue's ['x'].
    expect(await blue.listNamespaces({ suffix: ['*', 'x'] })).toEqual([]);
    expect(await red.listNamespaces({ suffix: ['*', 'x'] })).toEqual([['shared', 'x']]);
    expect(await red.listNamespaces({ prefix: ['shared'], suffix: ['*', '*'] })).toEqual([['shared', 'x']]);
    expect(await red.listNamespaces({ maxDepth: 1 })).toEqual([['red-only'], ['shared']]);
    expect(await inner.listNamespaces({ maxDepth: 1 })).toEqual([['blue'], ['red']]);
  });

  it('rejects tenant ids that are not valid namespace labels', () => {
    const inner = new InMemoryStore();
    expect(() => createTenantStore(inner, '')).toThrow(InvalidNamespaceError);
    expect(() => createTenantStore(inner, 'a.b')).toThrow(InvalidNamespaceError);
    expect(() => createTenantStore(inner, 'langgraph')).toThrow(InvalidNamespaceError);
  });

  it('scopes the memories a graph keeps to the tenant whose store it was compiled with', async () => {
    const inner = openSqliteStore();
    const State = Annotation.Root({ fact: Annotation<string>, recalled: Annotation<string[]> });
    const compileFor = (tenantId: string) =>
      new StateGraph(State)
        .addNode('remember', async (state: typeof State.State, config: LangGraphRunnableConfig) => {
          await config.store?.put(['memories'], state.fact, { fact: state.fact });
          const memories = (await config.store?.search(['memories'])) ?? [];
          return { recalled: memories.map((memory) => String(memory.value.fact)).sort() };
        })
        .addEdge(START, 'remember')
        .addEdge('remember', END)
        .compile({ store: createTenantStore(inner, tenantId) });
    await compileFor('red').invoke({ fact: 'pizza' });
    const blue = await compileFor('blue').invoke({ fact: 'pasta' });
    expect(blue.recalled).toEqual(['pasta']);
    expect((await inner.search(['red', 'memories'])).map((item) => item.value)).toEqual([{ fact: 'pizza' }]);
  });
});
