// No imports: the operator console's browser bundle lists these too.

/** What happened. Every run, routing decision, tool call step, approval decision and review verdict leaves one. */
export type AuditEventType =
  | 'run.started'
  | 'run.finished'
  | 'routing.decided'
  | 'tool.requested'
  | 'tool.validated'
  | 'tool.refused'
  | 'tool.approval_requested'
  | 'tool.approved'
  | 'tool.executed'
  | 'approval.decided'
  /** A pending approval closed because it can no longer take effect: a new message, or its thread gone. */
  | 'approval.superseded'
  | 'approval.orphaned'
  | 'review.verdict'
  /** The reviewer's verdict on a proposed write before approval and dispatch, and the post-check of its effect. */
  | 'review.pre_action'
  | 'review.post_action'
  /** A model call answered by a fallback model after the role's own failed (outage or time-out). */
  | 'model.fallback'
  /** A model's reply handed back with its exact problem (malformed arguments, unknown tool, empty, no verdict). */
  | 'model.reprompted'
  /** Retrieved passages not used as policy: flagged by the injection rails, or a tenant upload contradicting shared policy. */
  | 'retrieval.set_aside'
  /** A knowledge-base answer served from the answer cache (same question, same write generation): no model was asked. */
  | 'retrieval.answer_cached'
  /** The final answer's grounding check: its problems, and whether a revision fixed them. */
  | 'answer.grounding'
  /** A budget stopped a run before a model call (`outcome: stopped`), or refused a new run of its tenant (`outcome: refused`, 429). */
  | 'budget.exhausted';

export const auditEventTypes: readonly AuditEventType[] = [
  'run.started', 'run.finished', 'routing.decided', 'tool.requested', 'tool.validated', 'tool.refused',
  'tool.approval_requested', 'tool.approved', 'tool.executed', 'approval.decided',
  'approval.superseded', 'approval.orphaned', 'review.verdict', 'review.pre_action', 'review.post_action',
  'model.fallback', 'model.reprompted', 'retrieval.set_aside', 'retrieval.answer_cached', 'answer.grounding',
  'budget.exhausted',
];
