import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../errors.ts';
import { approvalStatuses, type ApprovalRequest, type ApprovalStatus, type ToolRegistry } from '../../tools/index.ts';
import type { AppEnv } from '../app-env.ts';
import { decideAndResume } from '../decide-approval.ts';
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
    args_schema: z.record(z.string(), z.unknown()).nullable().openapi({ description: "The tool's argument JSON schema, for an edit form; null when the tool is no longer registered" }),
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

/** The JSON schema of a tool's arguments, as models see it. */
function argsSchemaOf(tools: ToolRegistry, name: string): Record<string, unknown> | null {
  return tools.toModelTools().find((tool) => tool.function.name === name)?.function.parameters ?? null;
}

function toApproval(request: ApprovalRequest, tools: ToolRegistry) {
  return {
    id: request.id,
    thread_id: request.threadId,
    run_id: request.runId ?? null,
    tool: request.tool,
    args: request.args,
    args_hash: request.argsHash,
    args_schema: argsSchemaOf(tools, request.tool),
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
      return c.json(pending.map((request) => toApproval(request, c.var.services.tools)) as never, 200);
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
      return c.json(toApproval(request, c.var.services.tools) as never, 200);
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
      // Decided under the thread's lock as the resumed run is accepted: a new message racing it loses or supersedes it first.
      const { approval: decided, run } = await decideAndResume(services, caller, approval_id, body);
      return c.json({ approval: toApproval(decided, services.tools), run: run ? publicRun(run) : null } as never, 200);
    },
  );

  return app;
}
