import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { ApprovalRequest, ApprovalVerdict } from './approval-request.ts';

/*
 * LangChain's human-in-the-loop shapes, spelled as LangChain's Python middleware and
 * agent-chat-ui spell them (snake_case; the JS SDK's `useStream` aliases both casings), so
 * chat UIs that know `humanInTheLoopMiddleware` show an approval with its buttons and answer it.
 */

export interface HitlActionRequest {
  name: string;
  args: unknown;
  description: string;
}

export interface HitlReviewConfig {
  action_name: string;
  allowed_decisions: ApprovalVerdict[];
  /** The tool's input schema, so an edit form knows the fields and their types. */
  args_schema?: Record<string, unknown>;
}

export interface HitlRequest {
  action_requests: HitlActionRequest[];
  review_configs: HitlReviewConfig[];
}

/** Every approval may be approved, edited (validated and guarded again) or rejected. */
export const allowedDecisions: readonly ApprovalVerdict[] = ['approve', 'edit', 'reject'];

/** The HITL request for one approval request: one action, the decisions it allows. */
export function toHitlRequest(request: ApprovalRequest, argsSchema?: Record<string, unknown>): HitlRequest {
  const review = request.review ? `\nReview: ${request.review.verdict}${request.review.reasons.length ? ` (${request.review.reasons.join('; ')})` : ''}` : '';
  return {
    action_requests: [{
      name: request.tool,
      args: request.args,
      description: `${request.reason}${review}\n\nTool: ${request.tool}\nArgs: ${JSON.stringify(request.args, null, 2)}`,
    }],
    review_configs: [{ action_name: request.tool, allowed_decisions: [...allowedDecisions], ...(argsSchema ? { args_schema: argsSchema } : {}) }],
  };
}

/** A decision read from a resume value, in the approval store's terms. */
export interface ResumeDecision {
  decision: ApprovalVerdict;
  /** The edited arguments of an `edit`. */
  args?: Record<string, unknown>;
  /** The tool an `edit` names; it must be the requested one. */
  tool?: string;
  reason?: string;
}

const action = z.object({ name: z.string().min(1).max(200), args: z.record(z.string(), z.unknown()) });
const hitlDecision = z.discriminatedUnion('type', [
  z.object({ type: z.literal('approve') }),
  // agent-chat-ui and Python send `edited_action`, LangChain JS `editedAction`.
  z.object({ type: z.literal('edit'), edited_action: action.optional(), editedAction: action.optional() })
    .refine((edit) => (edit.edited_action ?? edit.editedAction) !== undefined, { message: 'An edit needs edited_action: { name, args }' }),
  z.object({ type: z.literal('reject'), message: z.string().max(1_000).optional() }),
]);
const hitlResponse = z.object({ decisions: z.array(hitlDecision).min(1).max(50) });

// Agent Inbox's older `HumanResponse`: accept, edit (an `{ action, args }`), a text response, ignore.
const inboxTypes = ['accept', 'edit', 'response', 'ignore'] as const;
const inboxResponse = z.discriminatedUnion('type', [
  z.object({ type: z.literal('accept'), args: z.unknown().optional() }),
  z.object({ type: z.literal('edit'), args: z.object({ action: z.string().min(1).max(200), args: z.record(z.string(), z.unknown()) }) }),
  z.object({ type: z.literal('response'), args: z.string().max(1_000) }),
  z.object({ type: z.literal('ignore'), args: z.unknown().optional() }),
]);

/**
 * The decisions in a resume value: LangChain's `{ decisions: [...] }`, or Agent Inbox's array
 * of `{ type, args }` responses. `undefined` when the value is neither (e.g. `{ approvalId }`);
 * a value of one of these shapes with a bad entry throws VALIDATION_FAILED naming it.
 * @example readResumeDecisions({ decisions: [{ type: 'reject', message: 'Store credit instead' }] })
 * // [{ decision: 'reject', reason: 'Store credit instead' }]
 */
export function readResumeDecisions(value: unknown): ResumeDecision[] | undefined {
  if (isRecord(value) && Array.isArray(value.decisions)) {
    const parsed = hitlResponse.safeParse(value);
    if (!parsed.success) throw invalid(parsed.error);
    return parsed.data.decisions.map((decision): ResumeDecision => {
      if (decision.type === 'approve') return { decision: 'approve' };
      if (decision.type === 'reject') return { decision: 'reject', ...(decision.message ? { reason: decision.message } : {}) };
      const edited = (decision.edited_action ?? decision.editedAction)!;
      return { decision: 'edit', tool: edited.name, args: edited.args };
    });
  }
  const looksLikeInbox = Array.isArray(value) && value.length > 0
    && value.every((entry) => isRecord(entry) && (inboxTypes as readonly unknown[]).includes(entry.type));
  if (!looksLikeInbox) return undefined;
  const parsed = z.array(inboxResponse).max(50).safeParse(value);
  if (!parsed.success) throw invalid(parsed.error);
  return parsed.data.map((response): ResumeDecision => {
    switch (response.type) {
      case 'accept': return { decision: 'approve' };
      case 'edit': return { decision: 'edit', tool: response.args.action, args: response.args.args };
      case 'response': return { decision: 'reject', ...(response.args.trim() ? { reason: response.args } : {}) };
      case 'ignore': return { decision: 'reject' };
    }
  });
}

/**
 * agent-chat-ui edits each argument in a text box and sends it back as text ("40000"): a text
 * value where the request had a number, a boolean or JSON gets that type back when it parses
 * as one, so validation judges what the approver meant. Anything else is left for validation.
 */
export function restoreArgumentTypes(original: unknown, edited: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(original)) return edited;
  return Object.fromEntries(Object.entries(edited).map(([key, value]) => [key, restored(original[key], value)]));
}

function restored(original: unknown, value: unknown): unknown {
  if (typeof value !== 'string' || typeof original === 'string' || original === undefined) return value;
  const text = value.trim();
  if (typeof original === 'number') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : value;
  if (typeof original === 'boolean') return text === 'true' ? true : text === 'false' ? false : value;
  try {
    const parsed: unknown = JSON.parse(text);
    const sameShape = typeof parsed === typeof original && Array.isArray(parsed) === Array.isArray(original) && (parsed === null) === (original === null);
    return sameShape ? parsed : value;
  } catch {
    return value;
  }
}

function invalid(error: z.ZodError): AppError {
  return new AppError('VALIDATION_FAILED', 'The resume value is not a valid human-in-the-loop response', {
    details: error.issues.map((issue) => ({
      path: ['command', 'resume', ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
