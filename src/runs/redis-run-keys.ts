/*
 * Key layout of the Redis run repository. Everything a tenant owns sits under one
 * `{tenant:<id>}` hash tag, so on a Redis Cluster a tenant lives on one slot and each
 * tenant-level write (record plus its index entries) is one MULTI or Lua script. Per-thread tags
 * would not do: the tenant's thread indexes span all its threads. The price is that one very
 * large tenant cannot be spread over several nodes.
 *
 *   {tenant}:threads:created        sorted set  thread id by created_at (ms)
 *   {tenant}:threads:updated        sorted set  thread id by updated_at (ms)
 *   {tenant}:runs                   sorted set  run id by created_at (ms), every thread: the tenant's run list
 *   {tenant}:thread:<id>            hash        thread fields except metadata, each JSON
 *   {tenant}:thread:<id>:metadata   hash        metadata key → JSON value, so a PATCH merge is one HSET
 *   {tenant}:thread:<id>:runs       sorted set  run id by created_at (ms)
 *   {tenant}:thread:<id>:active     set         pending or running run ids
 *   {tenant}:run:<id>               hash        run fields, each JSON
 *
 * `updateRun` and `staleRuns` have no tenant, so two keys under a separate `{global}` tag
 * answer "whose run is this" and "which runs are active anywhere". They are on another slot,
 * so a run write is two atomic steps, ordered so that a crash between them never hides an
 * active run from `staleRuns`: a run enters the global active set before its record turns
 * active and leaves it after the record stops being active. `staleRuns` reads the records
 * and drops entries whose run has finished, so a leftover entry is harmless.
 *
 * Ids are URI-encoded in key names: a brace or colon in an id can neither move the hash tag
 * nor make two keys collide. Records are hashes of JSON fields rather than one JSON string,
 * so scripts set fields without decoding JSON in Lua (cjson turns `[]` into `{}`).
 */

const encode = encodeURIComponent;

export function createKeys(prefix: string) {
  const global = `${prefix}{global}`;
  return {
    runOwners: `${global}:run-owners`,
    activeRuns: `${global}:active-runs`,
    tenant(tenantId: string) {
      const base = `${prefix}{tenant:${encode(tenantId)}}`;
      const thread = (threadId: string) => `${base}:thread:${encode(threadId)}`;
      return {
        threadsByCreation: `${base}:threads:created`,
        threadsByUpdate: `${base}:threads:updated`,
        runs: `${base}:runs`,
        thread,
        metadata: (threadId: string) => `${thread(threadId)}:metadata`,
        threadRuns: (threadId: string) => `${thread(threadId)}:runs`,
        threadActive: (threadId: string) => `${thread(threadId)}:active`,
        run: (runId: string) => `${base}:run:${encode(runId)}`,
      };
    },
  };
}

export type RunKeys = ReturnType<typeof createKeys>;
