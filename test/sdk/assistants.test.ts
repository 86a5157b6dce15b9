import path from 'node:path';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/interop/langgraph.json');
const keys = { acme: 'acme-key-0123456789abcdef', globex: 'globex-key-0123456789abcdef', reader: 'reader-key-0123456789abcdef' };

describe('assistants callers create, version and delete, through the SDK', () => {
  let server: TestServer;
  let acme: Client;
  let globex: Client;
  beforeAll(async () => {
    server = await startTestServer({
      LANGGRAPH_CONFIG: fixtures,
      API_KEYS: JSON.stringify([
        { key: keys.acme, tenant: 'acme', scopes: ['*'] },
        { key: keys.globex, tenant: 'globex', scopes: ['*'] },
        { key: keys.reader, tenant: 'acme', scopes: ['assistants:read'] },
      ]),
    });
    acme = new Client({ apiUrl: server.url, apiKey: keys.acme });
    globex = new Client({ apiUrl: server.url, apiKey: keys.globex });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates an assistant on a served graph and lists it beside the built-in ones', async () => {
    const created = await acme.assistants.create({
      graphId: 'echo',
      name: 'Formal desk',
      description: 'Answers formally',
      config: { configurable: { tone: 'formal', tenant_id: 'globex' } },
      metadata: { team: 'support' },
    });
    expect(created).toMatchObject({ graph_id: 'echo', name: 'Formal desk', description: 'Answers formally', version: 1, metadata: { team: 'support' } });
    // The tenant is the server's to set, never an assistant's.
    expect(created.config.configurable).toEqual({ tone: 'formal' });
    expect(await acme.assistants.get(created.assistant_id)).toEqual(created);

    const all = await acme.assistants.search({ limit: 100 });
    expect(all.map((assistant) => assistant.assistant_id)).toContain(created.assistant_id);
    expect(all.filter((assistant) => assistant.metadata?.created_by === 'system').map((assistant) => assistant.graph_id).sort()).toEqual(['approval', 'echo']);
    expect((await acme.assistants.search({ metadata: { team: 'support' } })).map((assistant) => assistant.assistant_id)).toEqual([created.assistant_id]);
    expect(await acme.assistants.search({ graphId: 'echo', limit: 100 })).toHaveLength(2);
    expect(await acme.assistants.count({ graphId: 'echo' })).toBe(2);
    const byName = (await acme.assistants.search({ limit: 100, sortBy: 'name', sortOrder: 'asc' })).map((assistant) => assistant.name);
    expect(byName).toEqual([...byName].sort());
    const [last] = await acme.assistants.search({ limit: 1, sortBy: 'name', sortOrder: 'desc' });
    expect(last!.name).toBe(byName.at(-1));
  });

  it('makes a version of every change and runs the one chosen with setLatest', async () => {
    const desk = await acme.assistants.create({ graphId: 'echo', name: 'Desk', config: { configurable: { tone: 'formal' } } });
    const changed = await acme.assistants.update(desk.assistant_id, { config: { configurable: { tone: 'casual' } }, metadata: { tier: 'gold' } });
    expect(changed).toMatchObject({ version: 2, name: 'Desk', config: { configurable: { tone: 'casual' } }, metadata: { tier: 'gold' } });
    const versions = await acme.assistants.getVersions(desk.assistant_id);
    expect(versions.map((version) => [version.version, version.config.configurable?.tone])).toEqual([[2, 'casual'], [1, 'formal']]);

    const thread = await acme.threads.create();
    const casual = (await acme.runs.wait(thread.thread_id, desk.assistant_id, { input: { question: 'hi' } })) as { seen: { configurable: { tone: string } } };
    expect(casual.seen.configurable.tone).toBe('casual');
    expect(await acme.assistants.setLatest(desk.assistant_id, 1)).toMatchObject({ version: 1, config: { configurable: { tone: 'formal' } } });
    const formal = (await acme.runs.wait(thread.thread_id, desk.assistant_id, { input: { question: 'hi' } })) as { seen: { configurable: { tone: string } } };
    expect(formal.seen.configurable.tone).toBe('formal');
    await expect(acme.assistants.setLatest(desk.assistant_id, 7)).rejects.toMatchObject({ status: 404 });
  });

  it('gives a run its assistant\'s config and context under the run\'s own, and names the assistant on the run and thread', async () => {
    const desk = await acme.assistants.create({
      graphId: 'echo',
      config: { configurable: { tone: 'formal', audience: 'staff' } },
      context: { locale: 'fr', region: 'eu' },
    });
    const thread = await acme.threads.create();
    const run = await acme.runs.create(thread.thread_id, desk.assistant_id, {
      input: { question: 'hi' },
      config: { configurable: { audience: 'customers', model: 'small' } },
      context: { locale: 'de' },
    });
    const values = (await acme.runs.join(thread.thread_id, run.run_id)) as { seen: unknown };
    expect(values.seen).toEqual({ configurable: { tone: 'formal', audience: 'customers', model: 'small' }, context: { locale: 'de', region: 'eu' } });
    expect(run.assistant_id).toBe(desk.assistant_id);
    expect((await acme.threads.get(thread.thread_id)).metadata).toMatchObject({ assistant_id: desk.assistant_id, graph_id: 'echo' });
    // The schemas and drawing are its graph's.
    expect(Object.keys((await acme.assistants.getGraph(desk.assistant_id)).nodes)).not.toHaveLength(0);
    expect(await acme.assistants.getSchemas(desk.assistant_id)).toEqual(await acme.assistants.getSchemas('echo'));
  });

  it('keeps each tenant\'s assistants to itself', async () => {
    const ours = await acme.assistants.create({ graphId: 'echo', assistantId: 'shared-name', name: 'Acme\'s' });
    await expect(globex.assistants.get(ours.assistant_id)).rejects.toMatchObject({ status: 404 });
    expect((await globex.assistants.search({ limit: 100 })).map((assistant) => assistant.assistant_id)).not.toContain(ours.assistant_id);
    await expect(globex.assistants.update(ours.assistant_id, { name: 'taken over' })).rejects.toMatchObject({ status: 404 });
    const theirs = await globex.assistants.create({ graphId: 'echo', assistantId: 'shared-name', name: 'Globex\'s' });
    expect(theirs.name).toBe('Globex\'s');
    expect((await acme.assistants.get('shared-name')).name).toBe('Acme\'s');
    const thread = await globex.threads.create();
    await expect(globex.runs.wait(thread.thread_id, 'not-theirs', { input: { question: 'hi' } })).rejects.toMatchObject({ status: 404 });
  });

  it('refuses to change the built-in assistants, to reuse their ids, and graphs it does not serve', async () => {
    await expect(acme.assistants.update('echo', { name: 'renamed' })).rejects.toMatchObject({ status: 405 });
    await expect(acme.assistants.delete('echo')).rejects.toMatchObject({ status: 405 });
    const builtIn = await acme.assistants.get('echo');
    await expect(acme.assistants.create({ graphId: 'echo', assistantId: builtIn.assistant_id })).rejects.toMatchObject({ status: 409 });
    await expect(acme.assistants.create({ graphId: 'no-such-graph' })).rejects.toMatchObject({ status: 404 });
    const once = await acme.assistants.create({ graphId: 'echo', assistantId: 'only-once' });
    await expect(acme.assistants.create({ graphId: 'echo', assistantId: 'only-once' })).rejects.toMatchObject({ status: 409 });
    expect(await acme.assistants.create({ graphId: 'echo', assistantId: 'only-once', ifExists: 'do_nothing', name: 'other' })).toEqual(once);
    const reader = new Client({ apiUrl: server.url, apiKey: keys.reader });
    await expect(reader.assistants.create({ graphId: 'echo' })).rejects.toMatchObject({ status: 403 });
  });

  it('deletes an assistant with its versions and, when asked, the threads it ran on', async () => {
    const desk = await acme.assistants.create({ graphId: 'echo' });
    const thread = await acme.threads.create();
    await acme.runs.wait(thread.thread_id, desk.assistant_id, { input: { question: 'hi' } });
    const other = await acme.threads.create();
    await acme.runs.wait(other.thread_id, 'echo', { input: { question: 'hi' } });
    await acme.assistants.delete(desk.assistant_id, { deleteThreads: true });
    await expect(acme.assistants.get(desk.assistant_id)).rejects.toMatchObject({ status: 404 });
    await expect(acme.assistants.getVersions(desk.assistant_id)).rejects.toMatchObject({ status: 404 });
    await expect(acme.threads.get(thread.thread_id)).rejects.toMatchObject({ status: 404 });
    expect((await acme.threads.get(other.thread_id)).thread_id).toBe(other.thread_id);
  });
});
