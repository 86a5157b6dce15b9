import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../errors.ts';
import {
  approvalStatuses,
  isToolAllowed,
  validateToolArguments,
  type ApprovalRequest,
  type ApprovalStatus,
  type ToolDefinition,
} from '../../tools/index.ts';
import type { AppEnv } from '../app-env.ts';
import { requireWaitingThread } from '../approval-lifecycle.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { errorResponses, jsonResponse, runSchema } from '../schemas/resources.ts';
import { resourceId } from '../schemas/resource-id.ts';
import { publicRun } from './runs.ts';

const approvalSchema = z
  .object({
    id: z.string(),
    thread_id: z.string(),
    run_id: z.string().nullable(),
    tool: z.string(),
    args: z.unknown(),
    args_hash: z.string(),
    policy: z.string(),
    reason: z.string(),
    flags: z.array(z.unknown()),
    review: z.unknown().nullable().openapi({ description: "The pre-action review: the policy rules' and the reviewer's verdict, reasons and the facts they judged" }),
    status: z.enum(approvalStatuses as [ApprovalStatus, ...ApprovalStatus[]]),
    requested_by: z.string().nullable().openapi({ description: 'The actor of the run that asked; a decision resumes the run with its authority' }),
    created_at: z.string(),
    expires_at: z.string(),
    decision: z.unknown().nullable(),
    closed: z.object({ reason: z.string(), at: z.string() }).nullable().openapi({ description: 'Why a superseded or orphaned request can no longer take effect' }),
  })
  .openapi('Approval');

function toApproval(request: ApprovalRequest) {
  return {
    id: request.id,
    thread_id: request.threadId,
    run_id: request.runId ?? null,
    tool: request.tool,
    args: request.args,
    args_hash: request.argsHash,
    policy: request.policy,
    reason: request.reason,
    flags: request.flags ?? [],
    review: request.review ?? null,
    status: request.status,
    requested_by: request.requestedBy?.actor ?? null,
    created_at: request.createdAt,
    expires_at: request.expiresAt,
    decision: request.decision ?? null,
    closed: request.closed ?? null,
  };
}

const decisionBody = z
  .object({
    decision: z.enum(['approve', 'edit', 'reject']),
    args: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Replacement arguments (edit only); validated and guarded again' }),
    reason: z.string().max(1_000).optional(),
    resume: z.boolean().default(true).openapi({ description: 'Resume the paused run with this decision' }),
  })
  .openapi('ApprovalDecision');

/**
 * What would make a recorded decision do nothing, refused before it is recorded: a resume
 * without the requester's authority on record, a requester whose scopes the tool needs more
 * of, an edit the tool would refuse.
 */
function assertDecisionCanTakeEffect(tool: ToolDefinition | undefined, request: ApprovalRequest, body: z.infer<typeof decisionBody>): void {
  const requester = request.requestedBy;
  if (body.resume && !requester) {
    throw new AppError('CONFLICT', 'The approval request does not record the run that asked, so it cannot be resumed with that run\'s authority; decide it with "resume": false and resume the run from its own key');
  }
  if (body.resume && body.decision !== 'reject' && tool && requester && !isToolAllowed(tool, requester.scopes)) {
    throw new AppError('CONFLICT', `The run that asked lacks the scopes "${request.tool}" needs (${tool.scopes.join(', ')}), so approving it could not make it happen`);
  }
  if (body.decision === 'edit' && body.args !== undefined && tool) {
    // An edit the tool would refuse is refused here, where the approver can fix it.
    const validation = validateToolArguments(tool, body.args);
    if (!validation.ok) {
      throw new AppError('VALIDATION_FAILED', `The edited arguments are not valid for "${request.tool}"`, {
        details: validation.issues.map((issue) => ({ path: `args.${issue.field}`, message: issue.message })),
      });
    }
  }
}

/**
 * Human approval of side effects: list what waits, decide it. The approver is the
 * authenticated key, never a field of the body; the decision is bound to the exact
 * arguments (by hash) the request was made for, which the executor checks on resume.
 * The resumed run acts with the authority of the run that asked (its actor and scopes),
 * never the approver's: approving decides whether, not with whose rights.
 */
export function createApprovalRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/approvals',
      tags: ['approvals'],
      summary: 'Pending approval requests of the caller\'s tenant, oldest first',
      responses: { 200: jsonResponse(z.array(approvalSchema), 'Pending requests'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'approvals:read');
      const pending = await c.var.services.approvals.listPending(c.var.caller.tenantId);
      return c.json(pending.map(toApproval) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/approvals/{approval_id}',
      tags: ['approvals'],
      request: { params: z.object({ approval_id: resourceId }) },
      responses: { 200: jsonResponse(approvalSchema, 'The request and its decision'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'approvals:read');
      const request = await c.var.services.approvals.get(c.req.valid('param').approval_id);
      if (!request || request.tenantId !== c.var.caller.tenantId) throw new AppError('NOT_FOUND', 'Approval request not found');
      return c.json(toApproval(request) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/approvals/{approval_id}',
      tags: ['approvals'],
      summary: 'Approve, edit or reject; then resume the paused run',
      request: {
        params: z.object({ approval_id: resourceId }),
        body: { required: true, content: { 'application/json': { schema: decisionBody } } },
      },
      responses: {
        200: jsonResponse(z.object({ approval: approvalSchema, run: runSchema.nullable() }), 'The decided request and the resumed run'),
        409: jsonResponse(z.unknown(), 'Already decided, expired, superseded or orphaned (the message says which, and when), or its thread is running'),
        ...errorResponses,
      },
    }),
    async (c) => {
      requireScope(c.var.caller, 'approvals:write');
      const { approval_id } = c.req.valid('param');
      const body = c.req.valid('json');
      const { services, caller } = c.var;
      const request = await services.approvals.get(approval_id);
      if (!request || request.tenantId !== caller.tenantId) throw new AppError('NOT_FOUND', 'Approval request not found');
      // Checked before anything is recorded: a decision that cannot take effect answers 409, never 200 and nothing.
      const now = (services.safety.clock ?? (() => new Date()))();
      const decidable = request.status === 'pending' && now.getTime() < Date.parse(request.expiresAt);
      const thread = decidable ? await requireWaitingThread(services, request, caller.name) : undefined;
      const requester = request.requestedBy;
      if (decidable) assertDecisionCanTakeEffect(services.tools.get(request.tool), request, body);
      // Expired, already decided or closed requests are refused here, with the reason.
      const decided = await services.approvals.decide(approval_id, {
        tenantId: caller.tenantId,
        decision: body.decision,
        approver: caller.name,
        ...(body.args === undefined ? {} : { args: body.args }),
        ...(body.reason === undefined ? {} : { reason: body.reason }),
      });
      await services.audit.append({
        tenantId: caller.tenantId,
        type: 'approval.decided',
        threadId: decided.threadId,
        ...(decided.runId ? { runId: decided.runId } : {}),
        actor: caller.name,
        data: {
          approvalId: decided.id, tool: decided.tool, decision: body.decision, argsHash: decided.argsHash,
          reason: body.reason ?? null, requestedBy: request.requestedBy?.actor ?? null,
        },
      });
      if (!body.resume) return c.json({ approval: toApproval(decided), run: null } as never, 200);
      const graphId = thread?.metadata.graph_id;
      if (!thread || !requester || typeof graphId !== 'string') {
        throw new AppError('CONFLICT', 'The decision is recorded, but its thread has no graph to resume');
      }
      const run = await services.runs.create({
        tenantId: caller.tenantId,
        // The requester's authority; the approver is the actor the audit names.
        scopes: requester.scopes,
        threadId: decided.threadId,
        assistantId: graphId,
        // Only the id travels: the executor reads the decision and the approver from the store.
        command: { resume: { approvalId: decided.id } },
        actor: caller.name,
        onBehalfOf: requester.actor,
        multitaskStrategy: 'enqueue',
      });
      return c.json({ approval: toApproval(decided), run: publicRun(run) } as never, 200);
    },
  );

  return app;
}
