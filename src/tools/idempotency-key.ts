import { createHash } from 'node:crypto';

export interface IdempotencyKeyParts {
  tenantId: string;
  threadId: string;
  toolCallId: string;
}

/**
 * The key under which one tool call's side effect is recorded. It depends only on who
 * asked, in which thread, and the model's tool call id, so replays and resumes of the
 * same step map to the same key.
 * @example deriveIdempotencyKey({ tenantId: 'acme', threadId, toolCallId: call.id })
 */
export function deriveIdempotencyKey(parts: IdempotencyKeyParts): string {
  // JSON keeps the parts unambiguous ("a|b" + "c" cannot collide with "a" + "b|c").
  const text = JSON.stringify([parts.tenantId, parts.threadId, parts.toolCallId]);
  return createHash('sha256').update(text).digest('hex');
}
