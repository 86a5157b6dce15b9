import { createHash } from 'node:crypto';
import { interrupt } from '@langchain/langgraph';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { ToolApprovalDecision } from '../../observability/index.ts';
import { hashArguments } from '../canonical-json.ts';
import type { ToolGuard, ToolGuardDecision, ToolGuardInput } from '../run-tool-call.ts';
import { validateToolArguments } from '../validate-tool-arguments.ts';
import type { ApprovalPolicy } from './approval-policy.ts';
import type { ApprovalRequest, ApprovalStore } from './approval-request.ts';
import { isExpired } from './check-decision-input.ts';
import { toHitlRequest, type HitlRequest } from './hitl-interrupt.ts';

export interface ApprovalGuardOptions {
  policy: ApprovalPolicy;
  store: ApprovalStore;
  clock?: () => Date;
  /** How long a request waits for a decision (default 24 hours). */
  ttlMs?: number;
  /** Told once per newly created request, e.g. to append an audit record. */
  onRequested?: (request: ApprovalRequest) => Promise<void>;
}

/**
 * What `interrupt` carries to the client: everything an approver needs, bound by hash. The
 * LangChain human-in-the-loop fields (`action_requests`, `review_configs`) sit beside Overseer's
 * own, so chat UIs built for `humanInTheLoopMiddleware` (agent-chat-ui, Agent Inbox) can act on it.
 */
export interface ApprovalInterruptPayload extends HitlRequest {
  type: 'approval_request';
  approvalId: string;
  tool: string;
  args: unknown;
  argsHash: string;
  policy: string;
  reason: string;
  expiresAt: string;
  /** The pre-action review the approver decides with. */
  review?: ApprovalRequest['review'];
}

/**
 * The approval requests a thread waits at, from its pending interrupts (`{ value, id }` as
 * LangGraph and the thread record carry them).
 */
export function approvalIdsIn(interrupts: readonly unknown[]): string[] {
  return interrupts.flatMap((interrupt) => {
    const value = (interrupt as { value?: Partial<ApprovalInterruptPayload> } | null)?.value;
    return value?.type === 'approval_request' && typeof value.approvalId === 'string' ? [value.approvalId] : [];
  });
}

/** The approval interrupts a thread waits at: each one's interrupt id (when known) and approval id. */
export function approvalInterruptsIn(interrupts: readonly unknown[]): Array<{ interruptId?: string; approvalId: string }> {
  return interrupts.flatMap((interrupt) => {
    const { id, value } = (interrupt ?? {}) as { id?: unknown; value?: Partial<ApprovalInterruptPayload> };
    if (value?.type !== 'approval_request' || typeof value.approvalId !== 'string') return [];
    return [{ ...(typeof id === 'string' ? { interruptId: id } : {}), approvalId: value.approvalId }];
  });
}

/**
 * What a run is resumed with. Only the approval id is needed: the decision and the approver
 * are read from the store. `argsHash` or `args`, when given, must match the request exactly.
 */
export const approvalResumeSchema = z.union([
  z.string().min(1).max(200).transform((approvalId) => ({ approvalId, argsHash: undefined, args: undefined })),
  z.strictObject({ approvalId: z.string().min(1).max(200), argsHash: z.string().max(128).optional(), args: z.unknown().optional() }),
]);

/** Deterministic, so a node re-executed after a resume finds the request it created before. */
export function approvalIdOf(tenantId: string, idempotencyKey: string, argsHash: string): string {
  return createHash('sha256').update(JSON.stringify([tenantId, idempotencyKey, argsHash])).digest('hex').slice(0, 32);
}

/**
 * A `runToolCall` guard that stops the run with a LangGraph `interrupt` when the policy
 * wants a person, and on resume applies the stored decision: approve runs exactly the
 * arguments that were approved, edit re-validates the approver's arguments and sends them
 * through the guards again (asking again if they still need approval), reject and expiry
 * refuse with a reason the model sees. Must run inside a graph node.
 * @example
 * const guard = createApprovalGuard({ policy: createApprovalPolicy({ rules: approvalRules }), store });
 */
export function createApprovalGuard(options: ApprovalGuardOptions): ToolGuard {
  const clock = options.clock ?? (() => new Date());
  const ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;

  return async (input) => {
    const evaluated = options.policy.evaluate(input);
    // A policy rule's hold asks a person whatever the thresholds say.
    const hold = input.findings?.hold;
    const requirement = evaluated.required || hold === undefined ? evaluated : { required: true as const, ...hold };
    if (!requirement.required) return { action: 'allow' };
    const { context, tool, args, argsHash } = input;
    if (context.stateless) {
      // interrupt() cannot pause a run without a thread: asking would leave a request nobody can ever resume.
      throw new AppError(
        'UNPROCESSABLE',
        `"${tool.name}" needs a person's approval (${requirement.reason.replace(/\.$/, '')}), and an approval needs a thread to pause on: run it on a thread or with on_completion "keep"`,
      );
    }
    const now = clock();
    const { request, created } = await options.store.create({
      id: approvalIdOf(context.tenantId, context.idempotencyKey, argsHash),
      tenantId: context.tenantId,
      threadId: context.threadId ?? 'unknown',
      ...(context.runId === undefined ? {} : { runId: context.runId }),
      toolCallId: input.call.id,
      tool: tool.name,
      args,
      argsHash,
      policy: requirement.policy,
      reason: requirement.reason,
      ...(context.flags?.length ? { flags: context.flags } : {}),
      ...(input.findings?.review ? { review: input.findings.review } : {}),
      requestedBy: { actor: context.actor ?? 'unknown', scopes: context.scopes },
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    });
    if (created) await options.onRequested?.(request);
    const payload: ApprovalInterruptPayload = {
      ...toHitlRequest(request, argsSchemaOf(tool)),
      type: 'approval_request', approvalId: request.id, tool: request.tool, args: request.args,
      argsHash: request.argsHash, policy: request.policy, reason: request.reason, expiresAt: request.expiresAt,
      ...(request.review ? { review: request.review } : {}),
    };
    // Throws on the first pass; returns the resume value when the run is resumed.
    const resume = approvalResumeSchema.safeParse(interrupt(payload));
    if (!resume.success) return refuse('The run was resumed without naming the approval request; the call is not run.');
    return applyDecision(input, request.id, resume.data, clock());
  };

  async function applyDecision(
    input: ToolGuardInput,
    approvalId: string,
    resume: { approvalId: string; argsHash?: string; args?: unknown },
    now: Date,
  ): Promise<ToolGuardDecision> {
    const { tool, argsHash } = input;
    const differentArgs = (resume.argsHash !== undefined && resume.argsHash !== argsHash)
      || (resume.args !== undefined && hashArguments(resume.args) !== argsHash);
    if (resume.approvalId !== approvalId || differentArgs) {
      return refuse(`The approval given does not match this "${tool.name}" call and its exact arguments; it is not run. Ask again if it is still needed.`);
    }
    const request = await options.store.get(approvalId);
    if (request === undefined || request.argsHash !== argsHash) return refuse(`No approval exists for these exact "${tool.name}" arguments; it is not run.`);
    const decision = request.decision;
    const approval = approvalOnSpan(request);
    switch (request.status) {
      case 'approved':
        return { action: 'allow', approval };
      case 'edited': {
        const validation = validateToolArguments(tool, decision?.args);
        if (!validation.ok) {
          return refuse(`The approver's edited arguments are invalid (${validation.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}); the call is not run.`, approval);
        }
        return { action: 'allow', args: validation.value, approval };
      }
      case 'rejected':
        return refuse(`A person rejected this "${tool.name}" call${decision?.reason ? `: ${decision.reason}` : ''}. Do not retry it; tell the user.`, approval);
      case 'expired':
        return refuse(`The approval request for "${tool.name}" expired before anyone decided; the call is not run.`, approval);
      case 'superseded':
      case 'orphaned':
        return refuse(`The approval request for "${tool.name}" was ${request.closed?.reason ?? request.status}${request.closed ? ` at ${request.closed.at}` : ''}; the call is not run.`, approval);
      case 'pending':
        return refuse(isExpired(request, now)
          ? `The approval request for "${tool.name}" expired before anyone decided; the call is not run.`
          : `The approval request for "${tool.name}" has not been decided yet; the call is not run.`, approval);
    }
  }
}

/**
 * What the call's `execute_tool` span says of the decision it was resumed with: the request, the
 * verdict (or the status when nobody decided), the approver as the audit names it, and how long
 * the decision took. No reason text and no arguments: those can carry customer data.
 */
function approvalOnSpan(request: ApprovalRequest): ToolApprovalDecision {
  const { decision } = request;
  if (!decision) return { approvalId: request.id, decision: request.status };
  const waited = (Date.parse(decision.decidedAt) - Date.parse(request.createdAt)) / 1_000;
  return {
    approvalId: request.id,
    decision: decision.decision,
    approver: decision.approver,
    ...(Number.isFinite(waited) && waited >= 0 ? { decisionSeconds: waited } : {}),
  };
}

// What an edit form needs to know of the fields; `$schema` is noise there.
function argsSchemaOf(tool: ToolGuardInput['tool']): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.input, { io: 'input' }) as Record<string, unknown>;
  return schema;
}

function refuse(message: string, approval?: ToolApprovalDecision): ToolGuardDecision {
  return { action: 'refuse', message, ...(approval ? { approval } : {}) };
}
