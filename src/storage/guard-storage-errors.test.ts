import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { guardStorageErrors } from './guard-storage-errors.ts';

interface Store {
  get(id: string): Promise<string>;
  fail(): Promise<void>;
  refuse(): Promise<void>;
  throwAtOnce(): Promise<void>;
}

const outage = new Error('connect ECONNREFUSED 127.0.0.1:6379');
const conflict = new AppError('CONFLICT', 'The id is taken');
const store = guardStorageErrors<Store>({
  get: async (id) => `record ${id}`,
  fail: async () => {
    throw outage;
  },
  refuse: async () => {
    throw conflict;
  },
  // Not async: it throws before any promise exists.
  throwAtOnce: () => {
    throw outage;
  },
}, 'Widget store unavailable');

describe('guardStorageErrors', () => {
  it('passes results through with their arguments', async () => {
    expect(await store.get('7')).toBe('record 7');
  });

  it('turns a failure of the store underneath into STORAGE_ERROR with the cause kept, thrown at once or rejected', async () => {
    for (const call of [store.fail, store.throwAtOnce]) {
      const failure = await call().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AppError);
      expect(failure).toMatchObject({ code: 'STORAGE_ERROR', message: 'Widget store unavailable', cause: outage });
    }
  });

  it('passes an AppError the store raised itself unchanged', async () => {
    await expect(store.refuse()).rejects.toBe(conflict);
  });
});
