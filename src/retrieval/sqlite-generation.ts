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
