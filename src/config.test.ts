import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { AppError } from './errors.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const jwks = { JWT_JWKS_URL: 'https://idp.example/jwks', JWT_ISSUER: 'https://idp.example/', JWT_AUDIENCE: 'overseer' };

describe('loadConfig', () => {
  it('defaults to the embedded, offline, open-on-loopback service', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8123, apiKeys: [], models: { provider: 'offline' } });
    expect(config.redis).toBeUndefined();
    expect(config.sqlitePath).toMatch(/data\/overseer\.db$/);
    expect(config.domain).toBe('brightcart');
    expect(config.sampleAsOf).toBeUndefined();
  });

  it('switches to OpenAI models with a key and to Redis with a URL', () => {
    const config = loadConfig({ OPENAI_API_KEY: 'sk-test', REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: 'p:' });
    expect(config.models.provider).toBe('openai');
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', keyPrefix: 'p:' });
  });

  it('reads API keys and the sample domain date', () => {
    const config = loadConfig({
      API_KEYS: JSON.stringify([{ key: 'a-long-enough-key-123', tenant: 'acme', scopes: ['runs:*'], name: 'ops' }]),
      SAMPLE_AS_OF: 'now',
    });
    expect(config.apiKeys).toEqual([{ keySha256: sha256('a-long-enough-key-123'), tenant: 'acme', scopes: ['runs:*'], name: 'ops' }]);
    expect(JSON.stringify(config)).not.toContain('a-long-enough-key-123');
    expect(config.sampleAsOf).toBe('now');
  });

  it('accepts a key as its SHA-256 digest, so no key is in the environment', () => {
    const digest = sha256('another-long-enough-key');
    const config = loadConfig({ API_KEYS: JSON.stringify([{ key_sha256: digest.toUpperCase(), tenant: 'acme', scopes: ['*'] }]) });
    expect(config.apiKeys).toEqual([{ keySha256: digest, tenant: 'acme', scopes: ['*'] }]);
  });

  it('reads JWT verification with safe defaults', () => {
    const config = loadConfig({ JWT_JWKS_URL: 'https://idp.example/.well-known/jwks.json', JWT_ISSUER: 'https://idp.example/', JWT_AUDIENCE: 'overseer, overseer-api' });
    expect(config.jwt).toMatchObject({
      keys: { kind: 'jwks', cooldownSeconds: 30 },
      issuer: 'https://idp.example/',
      audience: ['overseer', 'overseer-api'],
      algorithms: ['RS256', 'ES256'],
      clockSkewSeconds: 30,
      claims: { tenant: 'tenant', scopes: 'scope', name: 'sub' },
    });
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(32), JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }).jwt?.algorithms).toEqual(['HS256']);
    expect(loadConfig({}).rateLimits).toEqual({ requestsPerMinutePerKey: 0, requestsPerMinutePerTenant: 0, concurrentRunsPerKey: 0, concurrentRunsPerTenant: 0 });
  });

  it.each([
    [{ API_KEYS: 'not json' }, /API_KEYS is not valid JSON/],
    [{ API_KEYS: JSON.stringify([{ key: 'short', tenant: 'acme', scopes: ['*'] }]) }, /API_KEYS is invalid/],
    [{ PORT: 'eighty' }, /Invalid configuration/],
    [{ SAMPLE_AS_OF: 'yesterday' }, /Invalid configuration/],
    [{ MODEL_PROVIDER: 'openai' }, /needs OPENAI_API_KEY or OPENAI_BASE_URL/],
    [{ API_KEYS: JSON.stringify([{ key: 'a-long-enough-key-123', key_sha256: sha256('x'), tenant: 'acme', scopes: ['*'] }]) }, /API_KEYS is invalid/],
    [{ API_KEYS: JSON.stringify([{ key: 'a-long-enough-key-123', tenant: 'a', scopes: ['*'] }, { key_sha256: sha256('a-long-enough-key-123'), tenant: 'b', scopes: ['*'] }]) }, /the same key twice/],
    [{ ...jwks, JWT_ALGORITHMS: 'RS256,none' }, /must not include "none"/],
    [{ ...jwks, JWT_ALGORITHMS: 'HS256' }, /HS\* only with JWT_SECRET/],
    [{ JWT_SECRET: 'x'.repeat(32), JWT_ISSUER: 'i', JWT_AUDIENCE: 'a', JWT_ALGORITHMS: 'HS256,RS256' }, /may only list HS256/],
    [{ JWT_SECRET: 'too-short', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }, /at least 32 characters/],
    [{ JWT_JWKS_URL: 'https://idp.example/jwks', JWT_AUDIENCE: 'a' }, /needs JWT_ISSUER and JWT_AUDIENCE/],
    [{ ...jwks, JWT_SECRET: 'x'.repeat(32) }, /only one of/],
    [{ JWT_ISSUER: 'i' }, /no JWT_JWKS_URL/],
    [{ JWT_PUBLIC_KEY: 'not a key', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }, /neither a PEM public key nor a public JWK/],
    [{ JWT_JWKS_URL: 'file:///etc/passwd', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }, /Invalid configuration/],
  ])('refuses %j with a clear error', (environment, message) => {
    expect(() => loadConfig(environment)).toThrow(message);
    expect(() => loadConfig(environment)).toThrow(AppError);
  });
});

describe('LangSmith configuration', () => {
  it('is off unless a tracing flag is true, and reads the LANGCHAIN_* names as the langsmith SDK does', () => {
    expect(loadConfig({ LANGSMITH_API_KEY: 'key' }).observability.langsmith).toBeUndefined();
    expect(loadConfig({ LANGSMITH_TRACING: 'false' }).observability.langsmith).toBeUndefined();
    expect(loadConfig({ LANGSMITH_TRACING: 'true' }).observability.langsmith).toEqual({ endpoint: 'https://api.smith.langchain.com', apiKey: undefined, project: 'default', workspaceId: undefined });
    expect(loadConfig({ LANGCHAIN_TRACING_V2: 'true', LANGCHAIN_API_KEY: 'old', LANGCHAIN_ENDPOINT: 'http://127.0.0.1:1984/', LANGCHAIN_PROJECT: 'support' }).observability.langsmith)
      .toEqual({ endpoint: 'http://127.0.0.1:1984', apiKey: 'old', project: 'support', workspaceId: undefined });
    // LANGSMITH_* wins over LANGCHAIN_*.
    expect(loadConfig({ LANGSMITH_TRACING: 'true', LANGSMITH_API_KEY: 'new', LANGCHAIN_API_KEY: 'old' }).observability.langsmith?.apiKey).toBe('new');
  });
});
