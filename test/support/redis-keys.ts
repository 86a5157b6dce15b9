import type { Redis } from 'ioredis';

/** Every key matching `pattern`. Scanning is for test clean-up and checks, never a request path. */
export async function keysMatching(client: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/** Delete every key matching `pattern`; how many there were. */
export async function deleteKeysMatching(client: Redis, pattern: string): Promise<number> {
  const keys = await keysMatching(client, pattern);
  for (let start = 0; start < keys.length; start += 1_000) await client.unlink(...keys.slice(start, start + 1_000));
  return keys.length;
}
