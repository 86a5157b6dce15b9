import type { AuditLog, AuditRecord } from './audit-log.ts';
import type { Metrics } from './create-metrics.ts';
import { logError } from './log-error.ts';

export interface ObservedAuditLogOptions {
  metrics: Metrics;
  /** Where an approval's request time is read, for the decision latency. */
  approvals?: { get(id: string): Promise<{ createdAt: string } | undefined> };
}

// A label value comes from data a model or a tool wrote: keep it short and of a known shape.
const labelOf = (value: unknown, otherwise: string) => (typeof value === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(value) ? value : otherwise);

/**
 * The audit log, counting what it records: every tool call's outcome, approvals requested and
 * closed (with how long a decision took), reviewer verdicts, and budget stops and refusals. The audit trail already says
 * each of these exactly once, from whichever process did it, so metrics need no other hook.
 * @example const audit = observeAuditLog(createAuditLog({ database }), { metrics, approvals });
 */
export function observeAuditLog(audit: AuditLog, options: ObservedAuditLogOptions): AuditLog {
  const { metrics } = options;

  async function observe(record: AuditRecord): Promise<void> {
    const data = (record.data ?? {}) as Record<string, unknown>;
    const tool = labelOf(data.tool, 'unknown');
    switch (record.type) {
      case 'tool.executed':
        metrics.toolCall({ tool, outcome: data.replayed ? 'replayed' : 'executed', tenant: record.tenantId });
        return;
      case 'tool.refused':
      case 'tool.requested':
        // `tool.requested` without a status is a request on its way, not an outcome.
        if (data.status !== undefined) metrics.toolCall({ tool, outcome: labelOf(data.status, 'refused'), tenant: record.tenantId });
        return;
      case 'tool.approval_requested':
        metrics.toolCall({ tool, outcome: 'held_for_approval', tenant: record.tenantId });
        return;
      case 'approval.decided': {
        const request = typeof data.approvalId === 'string' ? await options.approvals?.get(data.approvalId) : undefined;
        const waited = request ? (Date.parse(record.at) - Date.parse(request.createdAt)) / 1_000 : undefined;
        metrics.approvalClosed({ decision: labelOf(data.decision, 'unknown'), ...(waited !== undefined && waited >= 0 ? { waitedSeconds: waited } : {}) });
        return;
      }
      case 'approval.superseded':
      case 'approval.orphaned':
        metrics.approvalClosed({ decision: record.type.slice('approval.'.length) });
        return;
      case 'review.verdict':
        metrics.review({ stage: 'answer', verdict: data.accepted ? 'accepted' : 'rejected' });
        return;
      case 'review.pre_action':
        metrics.review({ stage: 'pre_action', verdict: labelOf(data.verdict, 'unknown') });
        return;
      case 'review.post_action':
        metrics.review({ stage: 'post_action', verdict: data.confirmed ? 'confirmed' : 'unconfirmed' });
        return;
      case 'budget.exhausted':
        metrics.budgetExhausted({
          graph: labelOf(data.graph, 'unknown'), scope: labelOf(data.scope, 'unknown'), measure: labelOf(data.measure, 'unknown'),
          outcome: labelOf(data.outcome, 'unknown'), tenant: record.tenantId,
        });
        return;
      default:
    }
  }

  return {
    async append(entry) {
      const record = await audit.append(entry);
      // Counting must never fail the action being audited.
      await observe(record).catch((error: unknown) => logError('could not count an audit record in the metrics:', error));
      return record;
    },
    query: (query) => audit.query(query),
    verify: (tenantId) => audit.verify(tenantId),
    tenants: () => audit.tenants(),
  };
}
