import type { DatabaseSync } from 'node:sqlite';

/** Mark the tenant's index as changed; call inside the write transaction. */
export function bumpGeneration(database: DatabaseSync, tenantId: string): void {
  database
    .prepare(
      `INSERT INTO retrieval_generations (tenant_id, generation) VALUES (?, 1)
       ON CONFLICT (tenant_id) DO UPDATE SET generation = generation + 1`,
    )
    .run(tenantId);
}

/** The tenant's write generation (0 before its first write). */
export function readGeneration(database: DatabaseSync, tenantId: string): number {
  return Number(database.prepare('SELECT generation FROM retrieval_generations WHERE tenant_id = ?').get(tenantId)?.generation ?? 0);
}

/**
 * SQL for the generation the current write transaction will commit as, for a tenant given by
 * the SQL expression `tenant`. Rows tagged with it are newer than any cache of the generation
 * before, because every write transaction of a tenant bumps its generation exactly once, last.
 */
export function nextGenerationSql(tenant: string): string {
  return `(coalesce((SELECT generation FROM retrieval_generations WHERE tenant_id = ${tenant}), 0) + 1)`;
}
