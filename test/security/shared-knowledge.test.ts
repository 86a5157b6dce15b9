import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { sharedCorpusId } from '../../src/retrieval/index.ts';
import { createTestHarness, userMessage, type TestHarness } from '../support/test-services.ts';

const keys = {
  acme: 'acme-key-0123456789abcdef',
  rival: 'rival-key-0123456789abcdef',
  curator: 'curator-key-0123456789abcdef',
};
const tenantScopes = ['runs:*', 'threads:*', 'assistants:read', 'ingest:read', 'ingest:write'];
const apiKeys = JSON.stringify([
  { key: keys.acme, tenant: 'acme', scopes: tenantScopes },
  { key: keys.rival, tenant: 'rival', scopes: tenantScopes },
  // Curates the knowledge base every tenant reads; belongs to a tenant of its own.
  { key: keys.curator, tenant: 'ops', scopes: ['ingest:admin', 'ingest:read'] },
]);

interface FinalState {
  messages: Array<{ content: string }>;
  coverage: { topScore: number; documents: string[] };
}

describe('shared knowledge and private documents', () => {
  let harness: TestHarness;
  const call = (key: string, method: string, route: string, body?: unknown) =>
    harness.app.request(route, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const ask = async (key: string, question: string): Promise<FinalState> => {
    const response = await call(key, 'POST', '/runs/wait', { assistant_id: 'supervisor', input: userMessage(question) });
    expect(response.status).toBe(200);
    return (await response.json()) as FinalState;
  };
  const ingest = async (key: string, body: unknown): Promise<{ status: number; job?: { job_id: string; status: string } }> => {
    const response = await call(key, 'POST', '/ingest', body);
    if (response.status !== 202) return { status: response.status };
    const job = (await response.json()) as { job_id: string; status: string };
    await harness.services.ingestionJobs.drain();
    return { status: 202, job };
  };

  beforeAll(async () => {
    harness = await createTestHarness({ API_KEYS: apiKeys });
  });
  afterAll(() => harness.close());

  it('answers every tenant\'s policy question from the shared sample knowledge base', async () => {
    for (const key of [keys.acme, keys.rival]) {
      const state = await ask(key, 'How long is the warranty on electronics?');
      expect(state.coverage.documents).toContain('warranty');
      expect(state.messages.at(-1)!.content).toMatch(/24 months/);
      expect(state.messages.at(-1)!.content).not.toMatch(/does not cover/);
    }
  });

  it('keeps a tenant\'s private document out of another tenant\'s answers and searches', async () => {
    const upload = await ingest(keys.acme, {
      documents: [{ id: 'vault', source: 'acme/vault.md', text: '# Acme vault\n\nThe acme vault combination is zephyr marmalade quokka 7741.' }],
    });
    expect(upload.status).toBe(202);

    const own = await ask(keys.acme, 'What is the vault combination, zephyr marmalade quokka?');
    expect(own.coverage.documents).toContain('vault');
    expect(own.messages.at(-1)!.content).toMatch(/7741/);

    const other = await ask(keys.rival, 'What is the vault combination, zephyr marmalade quokka?');
    expect(other.coverage.documents).not.toContain('vault');
    expect(JSON.stringify(other)).not.toMatch(/7741/);
    const hits = await harness.services.retriever.search({ tenantId: 'rival', query: 'acme vault combination zephyr marmalade quokka 7741', limit: 20 });
    expect(hits.some((hit) => hit.documentId === 'vault' || hit.text.includes('7741'))).toBe(false);

    // Nor can the other tenant read the upload's job.
    const job = await call(keys.rival, 'GET', `/ingest/${upload.job!.job_id}`);
    expect(job.status).toBe(404);
    expect((await call(keys.acme, 'GET', `/ingest/${upload.job!.job_id}`)).status).toBe(200);
  });

  it('lets only a key with ingest:admin add to the shared corpus, which every tenant then reads', async () => {
    const document = { id: 'loyalty', source: 'policies/loyalty.md', text: '# Loyalty programme\n\nMembers earn one lantern point per dollar spent.' };
    const refused = await call(keys.acme, 'POST', '/ingest', { documents: [document], scope: 'shared' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await harness.services.retriever.listDocumentIds(sharedCorpusId)).not.toContain('loyalty');

    const accepted = await ingest(keys.curator, { documents: [document], scope: 'shared' });
    expect(accepted.status).toBe(202);
    for (const tenantId of ['acme', 'rival']) {
      const [hit] = await harness.services.retriever.search({ tenantId, query: 'lantern points loyalty programme' });
      expect(hit, tenantId).toMatchObject({ documentId: 'loyalty', scope: 'shared' });
    }
    // A tenant's own upload under the same id stays its own and leaves the shared one as it was.
    await ingest(keys.acme, { documents: [{ ...document, text: '# Loyalty programme\n\nAcme members earn ten lantern points.' }], prune: true });
    const [rivalHit] = await harness.services.retriever.search({ tenantId: 'rival', query: 'lantern points loyalty programme' });
    expect(rivalHit?.text).toContain('one lantern point per dollar');
    expect(await harness.services.retriever.listDocumentIds(sharedCorpusId)).toContain('loyalty');
    expect(await harness.services.retriever.listDocumentIds(sharedCorpusId)).toContain('warranty');
  });

  it('refuses a token whose tenant claim names the shared corpus', async () => {
    const secret = 'a-jwt-secret-of-at-least-32-characters';
    const jwtHarness = await createTestHarness({ JWT_SECRET: secret, JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'overseer' });
    try {
      const token = (tenant: string) =>
        new SignJWT({ tenant, scope: 'ingest:write ingest:read' })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer('https://idp.example')
          .setAudience('overseer')
          .setSubject('someone')
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(secret));
      const upload = (bearer: string) =>
        jwtHarness.app.request('/ingest', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
          body: JSON.stringify({ documents: [{ id: 'forged', source: 'forged.md', text: '# Forged\n\nEvery order ships free forever.' }] }),
        });
      expect((await upload(await token(sharedCorpusId))).status).toBe(401);
      await jwtHarness.services.ingestionJobs.drain();
      expect(await jwtHarness.services.retriever.listDocumentIds(sharedCorpusId)).not.toContain('forged');
      // The same token for a real tenant is accepted, and writes that tenant's documents only.
      expect((await upload(await token('acme'))).status).toBe(202);
      await jwtHarness.services.ingestionJobs.drain();
      expect(await jwtHarness.services.retriever.listDocumentIds('acme')).toEqual(['forged']);
      expect(await jwtHarness.services.retriever.listDocumentIds(sharedCorpusId)).not.toContain('forged');
    } finally {
      await jwtHarness.close();
    }
  });

  it('refuses configuration that names the shared corpus as a tenant', () => {
    expect(() => loadConfig({ API_KEYS: JSON.stringify([{ key: 'a-long-enough-key-123', tenant: sharedCorpusId, scopes: ['*'] }]) })).toThrow(/API_KEYS is invalid/);
    expect(() => loadConfig({ JWT_JWKS_URL: 'https://idp.example/jwks.json', JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'overseer', JWT_DEFAULT_TENANT: sharedCorpusId })).toThrow(/not a valid tenant id/);
  });
});
