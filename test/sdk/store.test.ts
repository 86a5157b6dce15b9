import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const keys = {
  acme: 'acme-store-key-0123456789',
  globex: 'globex-store-key-0123456789',
  reader: 'reader-store-key-0123456789',
};

describe('the LangGraph store API through the SDK', () => {
  let server: TestServer;
  let acme: Client;
  let globex: Client;
  beforeAll(async () => {
    server = await startTestServer({
      API_KEYS: JSON.stringify([
        { key: keys.acme, tenant: 'acme', scopes: ['*'] },
        { key: keys.globex, tenant: 'globex', scopes: ['*'] },
        { key: keys.reader, tenant: 'acme', scopes: ['store:read'] },
      ]),
    });
    acme = new Client({ apiUrl: server.url, apiKey: keys.acme });
    globex = new Client({ apiUrl: server.url, apiKey: keys.globex });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function rawRequest(method: string, route: string, body: unknown) {
    const response = await fetch(`${server.url}${route}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': keys.acme },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
  }

  it('puts, reads, replaces and deletes an item', async () => {
    await acme.store.putItem(['users', 'ada', 'profile'], 'settings', { theme: 'dark' });
    const stored = await acme.store.getItem(['users', 'ada', 'profile'], 'settings');
    expect(stored).toMatchObject({ namespace: ['users', 'ada', 'profile'], key: 'settings', value: { theme: 'dark' } });
    expect(Date.parse(stored!.createdAt)).not.toBeNaN();
    expect(stored!.updatedAt).toBe((stored as unknown as { updated_at: string }).updated_at);

    await acme.store.putItem(['users', 'ada', 'profile'], 'settings', { theme: 'light' }, { ttl: 60, index: false });
    const replaced = await acme.store.getItem(['users', 'ada', 'profile'], 'settings', { refreshTtl: false });
    expect(replaced!.value).toEqual({ theme: 'light' });
    expect(replaced!.createdAt).toBe(stored!.createdAt);

    await acme.store.deleteItem(['users', 'ada', 'profile'], 'settings');
    expect(await acme.store.getItem(['users', 'ada', 'profile'], 'settings')).toBeNull();
  });

  it('answers null for an item that was never stored, as the LangGraph API does', async () => {
    expect(await acme.store.getItem(['users', 'nobody'], 'missing')).toBeNull();
    const response = await fetch(`${server.url}/store/items?namespace=users.nobody&key=missing`, { headers: { 'x-api-key': keys.acme } });
    expect(response.status).toBe(200);
    expect(await response.json()).toBeNull();
  });

  it('searches under a prefix with a filter, and ranks by query', async () => {
    await acme.store.putItem(['recipes', 'italian'], 'pizza', { kind: 'food', text: 'pizza with tomato and cheese' });
    await acme.store.putItem(['recipes', 'japanese'], 'sushi', { kind: 'food', text: 'sushi rolls with rice and fish' });
    await acme.store.putItem(['recipes', 'japanese'], 'tea', { kind: 'drink', text: 'green tea' });
    await acme.store.putItem(['pantry'], 'cheese', { kind: 'food', text: 'cheese in the pantry' });

    const food = await acme.store.searchItems(['recipes'], { filter: { kind: 'food' } });
    expect(food.items.map((item) => item.key).sort()).toEqual(['pizza', 'sushi']);
    expect(food.items.every((item) => item.namespace[0] === 'recipes')).toBe(true);

    const ranked = await acme.store.searchItems(['recipes'], { query: 'cheese pizza' });
    expect(ranked.items[0]!.key).toBe('pizza');
    expect(ranked.items[0]!.score).toBeGreaterThan(ranked.items[1]!.score ?? 0);

    const paged = await acme.store.searchItems(['recipes'], { limit: 1, offset: 1, filter: { kind: 'food' } });
    expect(paged.items).toHaveLength(1);
  });

  it('lists namespaces by prefix, suffix and depth', async () => {
    await acme.store.putItem(['teams', 'red', 'memories'], 'one', { note: 1 });
    await acme.store.putItem(['teams', 'blue', 'memories'], 'two', { note: 2 });
    await acme.store.putItem(['teams', 'blue', 'drafts'], 'three', { note: 3 });

    const all = await acme.store.listNamespaces({ prefix: ['teams'] });
    expect(all.namespaces).toEqual([
      ['teams', 'blue', 'drafts'],
      ['teams', 'blue', 'memories'],
      ['teams', 'red', 'memories'],
    ]);
    const shallow = await acme.store.listNamespaces({ prefix: ['teams'], maxDepth: 2 });
    expect(shallow.namespaces).toEqual([
      ['teams', 'blue'],
      ['teams', 'red'],
    ]);
    const memories = await acme.store.listNamespaces({ prefix: ['teams'], suffix: ['memories'] });
    expect(memories.namespaces).toEqual([
      ['teams', 'blue', 'memories'],
      ['teams', 'red', 'memories'],
    ]);
  });

  it('refuses bad namespaces and ttls with 400 VALIDATION_FAILED', async () => {
    await expect(acme.store.putItem(['users', ''], 'k', { a: 1 })).rejects.toThrow(/400/);
    const dotted = await rawRequest('PUT', '/store/items', { namespace: ['a.b'], key: 'k', value: {} });
    expect(dotted.status).toBe(400);
    expect(dotted.body.error.code).toBe('VALIDATION_FAILED');
    const colon = await rawRequest('POST', '/store/items/search', { namespace_prefix: ['a:b'] });
    expect(colon.status).toBe(400);
    const empty = await rawRequest('DELETE', '/store/items', { namespace: [], key: 'k' });
    expect(empty.status).toBe(400);
    const tooDeep = await rawRequest('POST', '/store/namespaces', { prefix: Array.from({ length: 40 }, (_, position) => `l${position}`) });
    expect(tooDeep.status).toBe(400);
    const negativeTtl = await rawRequest('PUT', '/store/items', { namespace: ['a'], key: 'k', value: {}, ttl: -5 });
    expect(negativeTtl.status).toBe(400);
    expect(negativeTtl.body.error.code).toBe('VALIDATION_FAILED');
    const emptyQueryLabel = await fetch(`${server.url}/store/items?namespace=a..b&key=k`, { headers: { 'x-api-key': keys.acme } });
    expect(emptyQueryLabel.status).toBe(400);
  });

  it('keeps each tenant to its own items and namespaces', async () => {
    await acme.store.putItem(['shared', 'name'], 'secret', { owner: 'acme' });

    expect(await globex.store.getItem(['shared', 'name'], 'secret')).toBeNull();
    expect((await globex.store.searchItems(['shared'])).items).toEqual([]);
    expect((await globex.store.searchItems([])).items).toEqual([]);
    expect((await globex.store.listNamespaces()).namespaces).toEqual([]);

    // The same namespace and key in another tenant is another item; deleting it leaves acme's alone.
    await globex.store.putItem(['shared', 'name'], 'secret', { owner: 'globex' });
    await globex.store.deleteItem(['shared', 'name'], 'secret');
    expect((await acme.store.getItem(['shared', 'name'], 'secret'))!.value).toEqual({ owner: 'acme' });
    expect((await acme.store.listNamespaces({ prefix: ['shared'] })).namespaces).toEqual([['shared', 'name']]);

    // Graph nodes get the unscoped store; what a tenant wrote sits under its tenant label there.
    expect((await server.services.store.get(['acme', 'shared', 'name'], 'secret'))!.value).toEqual({ owner: 'acme' });
  });

  it('needs store:write to change items and store:read to read them', async () => {
    const reader = new Client({ apiUrl: server.url, apiKey: keys.reader });
    await acme.store.putItem(['scoped'], 'item', { visible: true });
    expect((await reader.store.getItem(['scoped'], 'item'))!.value).toEqual({ visible: true });
    await expect(reader.store.putItem(['scoped'], 'item', { visible: false })).rejects.toThrow(/403/);
    await expect(reader.store.deleteItem(['scoped'], 'item')).rejects.toThrow(/403/);
  });

  it('gives the served graphs the service store, so nodes reach it as config.store', () => {
    expect(server.services.catalog.get('supervisor')!.graph.store).toBe(server.services.store);
  });
});
