import type { AuditLog } from '../observability/index.ts';
import { logError } from '../observability/index.ts';

interface ExecutedToolData {
  tool?: string;
  args?: unknown;
  risk?: string;
}

/**
 * What a run changed before it failed, from its audit trail (`tool.executed` records of writes),
 * so an error never hides an effect: `issue_refund {"orderId":1001,"amountCents":12999}`.
 * Undefined when nothing was changed or the trail cannot be read.
 */
export async function describeRunEffects(audit: AuditLog | undefined, run: { tenant_id: string; run_id: string }): Promise<string | undefined> {
  if (!audit) return undefined;
  try {
    const records = await audit.query({ tenantId: run.tenant_id, runId: run.run_id, limit: 1_000 });
    const effects = records
      .filter((record) => record.type === 'tool.executed')
      .map((record) => record.data as ExecutedToolData)
      .filter((data) => data.risk !== 'read');
    if (effects.length === 0) return undefined;
    return effects.map((data) => `${data.tool ?? 'a tool'} ${JSON.stringify(data.args ?? {})}`).join('; ');
  } catch (error) {
    logError(`run ${run.run_id}: could not read what it changed:`, error);
    return undefined;
  }
}
