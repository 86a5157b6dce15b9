import type { DatabaseSync } from 'node:sqlite';
import { quoteTerm } from './build-match-query.ts';
import { readGeneration } from './sqlite-generation.ts';
import { tenantToken } from './sqlite-retrieval-schema.ts';

export interface KeywordStatistics {
  /** The tenant's chunk count and the document frequency of each term among its chunks. */
  read(tenantId: string, terms: readonly string[]): { chunkCount: number; frequencies: number[] };
}

interface TenantStatistics {
  generation: number;
  chunkCount: number;
  frequencies: Map<string, number>;
}

// Terms remembered per tenant; past this the memory starts over (a query's words are few).
const maximumTerms = 20_000;

/**
 * Per-tenant chunk counts and document frequencies, cached until the tenant's write
 * generation moves. Counting one tenant's chunks that hold a common word merges its posting
 * list with the tenant's, which costs milliseconds at 100k chunks; the same words come back
 * in query after query, so each is counted once per write.
 */
export function createKeywordStatistics(database: DatabaseSync): KeywordStatistics {
  const tenants = new Map<string, TenantStatistics>();
  const count = database.prepare('SELECT count(*) AS count FROM retrieval_chunks_fts WHERE retrieval_chunks_fts MATCH ?');

  return {
    read(tenantId, terms) {
      const generation = readGeneration(database, tenantId);
      const tenant = `tenant_token : ${quoteTerm(tenantToken(tenantId))}`;
      let cached = tenants.get(tenantId);
      if (cached === undefined || cached.generation !== generation || cached.frequencies.size > maximumTerms) {
        cached = { generation, chunkCount: Number(count.get(tenant)?.count ?? 0), frequencies: new Map() };
        tenants.set(tenantId, cached);
      }
      const statistics = cached;
      const frequencies = terms.map((term) => {
        const known = statistics.frequencies.get(term);
        if (known !== undefined) return known;
        const counted = statistics.chunkCount === 0 ? 0 : Number(count.get(`${tenant} AND ${quoteTerm(term)}`)?.count ?? 0);
        statistics.frequencies.set(term, counted);
        return counted;
      });
      return { chunkCount: statistics.chunkCount, frequencies };
    },
  };
}
