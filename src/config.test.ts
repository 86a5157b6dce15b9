import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { AppError } from './errors.ts';

describe('loadConfig', () => {
  it('defaults to the embedded, offline, open-on-loopback service', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8123, apiKeys: [], models: { provider: 'offline' } });
    expect(config.redis).toBeUndefined();
    expect(config.sqlitePath).toMatch(/data\/overseer\.db$/);
    expect(config.sampleAsOf).toEqual(new Date('2026-04-01T12:00:00.000Z'));
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
    expect(config.apiKeys).toEqual([{ key: 'a-long-enough-key-123', tenant: 'acme', scopes: ['runs:*'], name: 'ops' }]);
    expect(config.sampleAsOf).toBe('now');
  });

  it.each([
    [{ API_KEYS: 'not json' }, /API_KEYS is not valid JSON/],
    [{ API_KEYS: JSON.stringify([{ key: 'short', tenant: 'acme', scopes: ['*'] }]) }, /API_KEYS is invalid/],
    [{ PORT: 'eighty' }, /Invalid configuration/],
    [{ SAMPLE_AS_OF: 'yesterday' }, /Invalid configuration/],
    [{ MODEL_PROVIDER: 'openai' }, /needs OPENAI_API_KEY or OPENAI_BASE_URL/],
  ])('refuses %j with a clear error', (environment, message) => {
    expect(() => loadConfig(environment)).toThrow(message);
    expect(() => loadConfig(environment)).toThrow(AppError);
  });
});
