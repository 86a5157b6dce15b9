import { Auth } from '@langchain/langgraph-sdk/auth';
import { describe, expect, it } from 'vitest';
import { isOpenMode } from './open-mode.ts';

type Deps = Parameters<typeof isOpenMode>[0];
const servicesWith = (config: { apiKeys?: unknown[]; jwt?: unknown }, auth?: unknown): Deps =>
  ({ config: { apiKeys: [], ...config }, langgraphExtensions: auth === undefined ? {} : { auth: { value: auth, reference: './auth.ts:auth' } } }) as unknown as Deps;

describe('isOpenMode', () => {
  it('is open with no keys, no JWT and no auth.path', () => {
    expect(isOpenMode(servicesWith({}))).toBe(true);
  });

  it('is not open with API keys or JWT verification', () => {
    expect(isOpenMode(servicesWith({ apiKeys: [{ tenant: 'acme' }] }))).toBe(false);
    expect(isOpenMode(servicesWith({ jwt: { issuer: 'https://issuer.example' } }))).toBe(false);
  });

  it('is not open when auth.path has an authenticate handler', () => {
    const auth = new Auth().authenticate(async () => ({ identity: 'alice', permissions: ['*'] }));
    expect(isOpenMode(servicesWith({}, auth))).toBe(false);
  });

  it('stays open when auth.path only authorizes: nobody is asked who they are', () => {
    const auth = new Auth().on('threads', () => true);
    expect(isOpenMode(servicesWith({}, auth))).toBe(true);
  });
});
