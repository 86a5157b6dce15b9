import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { AuditEventType, AuditLog } from '../observability/index.ts';
import { readRunContext } from './run-context.ts';

/**
 * Append one audit record for the current run. Called only from nodes that do not
 * re-execute on resume, so a record is never written twice.
 */
export async function recordAudit(
  audit: AuditLog | undefined,
  config: LangGraphRunnableConfig,
  type: AuditEventType,
  data: unknown,
): Promise<void> {
  if (!audit) return;
  const context = readRunContext(config);
  await audit.append({
    tenantId: context.tenantId,
    type,
    threadId: context.threadId,
    ...(context.runId ? { runId: context.runId } : {}),
    actor: 'system',
    data,
  });
}
