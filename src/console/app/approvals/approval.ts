import type { JsonSchema } from './schema-form.tsx';

/** `GET /approvals` as the console reads it. */
export interface Approval {
  id: string;
  thread_id: string;
  run_id: string | null;
  tool: string;
  args: Record<string, unknown>;
  args_hash: string;
  args_schema: JsonSchema | null;
  policy: string;
  reason: string;
  flags: unknown[];
  review: { verdict: string; reasons: string[]; facts?: unknown } | null;
  status: string;
  requested_by: string | null;
  created_at: string;
  expires_at: string;
  decision: { approver?: string; reason?: string; decision?: string } | null;
}

/** One record of `GET /audit`. */
export interface AuditRecord {
  seq: number;
  at: string;
  type: string;
  runId?: string;
  threadId?: string;
  actor?: string;
  data: unknown;
  hash: string;
}
