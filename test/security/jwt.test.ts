import { createHmac } from 'node:crypto';
import { Client } from '@langchain/langgraph-sdk';
import { SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { createSigningKey, startJwksServer, type JwksServer, type SigningKey } from '../support/jwks-server.ts';
import { createTestHarness, type TestHarness } from '../support/test-services.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const issuer = 'https://idp.test/';
const audience = 'overseer';
const apiKeys = JSON.stringify([
  { key: 'acme-service-account-key', tenant: 'acme', scopes: ['*'], name: 'acme-service' },
  { key: 'globex-service-account-key', tenant: 'globex', scopes: ['*'], name: 'globex-service' },
]);
const allScopes = 'assistants:read threads:read threads:write runs:read runs:write';

const base64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1_000);

interface TokenOptions {
  key?: SigningKey;
  kid?: string;
  issuer?: string;
  audience?: string;
  expiresAt?: number;
  notBefore?: number;
}

async function signToken(claims: JWTPayload, options: TokenOptions = {}, fallback: SigningKey): Promise<string> {
  const key = options.key ?? fallback;
  const jwt = new SignJWT({ tenant: 'acme', scope: allScopes, sub: 'user-1', ...claims })
    .setProtectedHeader({ alg: key.alg, kid: options.kid ?? key.kid, typ: 'JWT' })
    .setIssuer(options.issuer ?? issuer)
    .setAudience(options.audience ?? audience)
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? now() + 300);
  if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
  return jwt.sign(key.privateKey);
}

describe('bearer JWTs verified against a JWKS', () => {
  let jwks: JwksServer;
  let server: TestServer;
  let current: SigningKey;
  const token = (claims: JWTPayload = {}, options: TokenOptions = {}) => signToken(claims, options, current);
  const clientWith = (bearer: string) => new Client({ apiUrl: server.url, defaultHeaders: { authorization: `Bearer ${bearer}` } });
  const search = (authorization?: string) =>
    fetch(`${server.url}/threads/search`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: '{}' });

  async function expectInvalidToken(bearer: string, description: RegExp) {
    const response = await search(`Bearer ${bearer}`);
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer realm="overseer", error="invalid_token", error_description="[^"]+"$/);
    expect(challenge).toMatch(description);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('UNAUTHORIZED');
    expect(body.error.message).toMatch(description);
  }

  beforeAll(async () => {
    current = await createSigningKey('key-1');
    jwks = await startJwksServer([current]);
    server = await startTestServer({
      API_KEYS: apiKeys,
      JWT_JWKS_URL: jwks.url,
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: audience,
      // Every unknown key id may fetch the set again at once, so rotation shows without waiting.
      JWT_JWKS_COOLDOWN_SECONDS: '0',
    });
  });

  afterAll(async () => {
    await server?.close();
    await jwks?.close();
  });

  it('accepts a valid token and acts as the tenant its claim names', async () => {
    const thread = await clientWith(await token()).threads.create({ metadata: { owner: 'jwt' } });
    const acmeKey = new Client({ apiUrl: server.url, apiKey: 'acme-service-account-key' });
    const globexKey = new Client({ apiUrl: server.url, apiKey: 'globex-service-account-key' });
    expect((await acmeKey.threads.get(thread.thread_id)).metadata).toMatchObject({ owner: 'jwt' });
    await expect(globexKey.threads.get(thread.thread_id)).rejects.toMatchObject({ status: 404 });
  });

  it('enforces the scopes of the token, from `scope` or an `scp` array', async () => {
    const reader = clientWith(await token({ scope: 'threads:read' }));
    await expect(reader.threads.create()).rejects.toMatchObject({ status: 403 });
    expect(await reader.threads.search()).toBeInstanceOf(Array);
    const writer = clientWith(await token({ scope: undefined, scp: ['threads:write'] }));
    expect((await writer.threads.create()).thread_id).toBeTruthy();
  });

  it('tolerates a small clock skew but refuses an expired token with a WWW-Authenticate challenge', async () => {
    expect((await search(`Bearer ${await token({}, { expiresAt: now() - 5 })}`)).status).toBe(200);
    await expectInvalidToken(await token({}, { expiresAt: now() - 120 }), /expired/);
  });

  it('refuses a token that is not valid yet', async () => {
    await expectInvalidToken(await token({}, { notBefore: now() + 600 }), /not valid yet/);
  });

  it('refuses a token from another issuer or for another audience', async () => {
    await expectInvalidToken(await token({}, { issuer: 'https://evil.test/' }), /another issuer/);
    await expectInvalidToken(await token({}, { audience: 'another-api' }), /another audience/);
  });

  it('refuses a token signed with another key, under the known key id or an unknown one', async () => {
    const stranger = await createSigningKey('key-1');
    await expectInvalidToken(await token({}, { key: stranger }), /signature is invalid/);
    await expectInvalidToken(await token({}, { key: stranger, kid: 'stranger' }), /unknown key/);
  });

  it('refuses an unsigned `alg: none` token', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ iss: issuer, aud: audience, sub: 'user-1', tenant: 'acme', scope: allScopes, exp: now() + 300 })}.`;
    await expectInvalidToken(unsigned, /algorithm that is not allowed/);
  });

  it('refuses an HS256 token whose HMAC secret is the published public key (algorithm confusion)', async () => {
    const header = base64url({ alg: 'HS256', typ: 'JWT', kid: current.kid });
    const payload = base64url({ iss: issuer, aud: audience, sub: 'user-1', tenant: 'acme', scope: allScopes, exp: now() + 300 });
    const signature = createHmac('sha256', current.publicPem).update(`${header}.${payload}`).digest('base64url');
    await expectInvalidToken(`${header}.${payload}.${signature}`, /algorithm that is not allowed/);
  });

  it('refuses a token without a tenant claim, or with a tenant that is not a tenant id', async () => {
    await expectInvalidToken(await token({ tenant: undefined }), /no tenant claim/);
    await expectInvalidToken(await token({ tenant: '../other' }), /not a valid tenant id/);
  });

  it('answers 401 with a challenge when no credential comes, or one that is neither key nor token', async () => {
    const missing = await search();
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="overseer"');
    const unknown = await search('Bearer not-a-key-and-not-a-jwt');
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('keeps API keys working beside JWTs, as service accounts', async () => {
    const response = await search('Bearer acme-service-account-key');
    expect(response.status).toBe(200);
    expect(await new Client({ apiUrl: server.url, apiKey: 'globex-service-account-key' }).threads.search()).toBeInstanceOf(Array);
  });

  it('follows a key rotation without a restart: the new key verifies, the retired one no longer does', async () => {
    const retired = current;
    const oldToken = await token();
    expect((await search(`Bearer ${oldToken}`)).status).toBe(200);
    const fetchesBefore = jwks.fetches;
    current = await createSigningKey('key-2', 'ES256');
    jwks.publish([current]);
    expect((await search(`Bearer ${await token()}`)).status).toBe(200);
    expect(jwks.fetches).toBeGreaterThan(fetchesBefore);
    await expectInvalidToken(await signToken({}, { key: retired }, retired), /unknown key/);
  });
});

describe('JWT verification when the identity provider is unreachable', () => {
  let server: TestServer;
  let signing: SigningKey;

  beforeAll(async () => {
    signing = await createSigningKey('key-1');
    server = await startTestServer({
      JWT_JWKS_URL: `http://127.0.0.1:${await freePort()}/.well-known/jwks.json`,
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: audience,
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('answers 503 IDENTITY_PROVIDER_UNAVAILABLE, not 500 and not 401', async () => {
    const response = await fetch(`${server.url}/threads/search`, { headers: { authorization: `Bearer ${await signToken({}, {}, signing)}` } });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('IDENTITY_PROVIDER_UNAVAILABLE');
  });
});

describe('JWT verification with one configured public key', () => {
  let harness: TestHarness;
  let signing: SigningKey;

  beforeAll(async () => {
    signing = await createSigningKey('only', 'ES256');
    harness = await createTestHarness({
      JWT_PUBLIC_KEY: signing.publicPem.replaceAll('\n', '\\n'),
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: audience,
      JWT_ALGORITHMS: 'ES256',
      JWT_TENANT_CLAIM: 'https://overseer.test/tenant',
      JWT_DEFAULT_TENANT: 'acme',
    });
  });

  afterAll(async () => {
    await harness?.close();
  });

  const call = async (route: string, bearer: string) => harness.app.request(route, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: '{}' });
  const search = (bearer: string) => call('/threads/search', bearer);
  const threadIds = async (response: Response) => ((await response.json()) as Array<{ thread_id: string }>).map((thread) => thread.thread_id);

  it('verifies tokens signed by its private half and takes the tenant from the configured claim, else the default', async () => {
    const globex = await signToken({ tenant: undefined, 'https://overseer.test/tenant': 'globex' }, {}, signing);
    const unclaimed = await signToken({ tenant: undefined }, {}, signing);
    const created = await call('/threads', globex);
    expect(created.status).toBe(200);
    const { thread_id: threadId } = (await created.json()) as { thread_id: string };
    expect(await threadIds(await search(globex))).toContain(threadId);
    const acmeView = await search(unclaimed);
    expect(acmeView.status).toBe(200);
    expect(await threadIds(acmeView)).not.toContain(threadId);
  });

  it('refuses an algorithm outside JWT_ALGORITHMS even when signed correctly', async () => {
    const rsa = await createSigningKey('only', 'RS256');
    const response = await search(await signToken({}, {}, rsa));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/algorithm that is not allowed/);
  });
});
