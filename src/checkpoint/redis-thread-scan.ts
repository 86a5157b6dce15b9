import type { Cluster, Redis } from 'ioredis';
import { threadOfTimelineKey, timelineKeyPattern } from './redis-checkpoint-keys.ts';
import { withStorageErrors } from './checkpoint-storage-error.ts';

/**
 * Every thread id of one tenant under a prefix, found by SCAN over the thread timeline keys
 * (on each master of a cluster). Only `list` without a thread id uses it: an
 * administrative listing, never on a graph's request path. A registry key would
 * avoid the scan but could not share each thread's hash tag, so writes would lose
 * their single-slot transaction on Redis Cluster.
 */
export async function* scanThreadIds(client: Redis | Cluster, prefix: string, tenant: string): AsyncGenerator<string> {
  const nodes: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  const pattern = timelineKeyPattern(prefix);
  const seen = new Set<string>();
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await withStorageErrors(() => node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000));
      cursor = next;
      for (const key of keys) {
        const owner = threadOfTimelineKey(prefix, key);
        if (owner.tenant !== tenant) continue;
        const { threadId } = owner;
        // SCAN may return a key more than once.
        if (!seen.has(threadId)) {
          seen.add(threadId);
          yield threadId;
        }
      }
    } while (cursor !== '0');
  }
}
