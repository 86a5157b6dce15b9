import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AppError, isAppError } from '../../errors.ts';
import { toWireValue, type CreateRunRequest } from '../../runs/index.ts';
import type { Services } from '../../services.ts';
import { approvalInterruptsIn } from '../../tools/index.ts';
import type { Caller } from '../app-env.ts';
import { supersedeWhenAccepted } from '../approval-lifecycle.ts';
import type { AssistantCallAuthorization } from './authorize-assistant-call.ts';
import type { AssistantTool } from './list-assistant-tools.ts';

/** What a tool call's result says in `structuredContent`, beside its text. */
export interface AssistantToolOutcome {
  status: 'success' | 'interrupted';
  run_id: string;
  /** Absent for a stateless run (the caller may not create threads). */
  thread_id?: string;
  answer?: string;
  /** The approvals the run waits at: decide them with `POST /approvals/{id}`, and the run resumes. */
  approvals?: Array<{ approval_id: string; tool?: string; reason?: string; expires_at?: string }>;
  values?: unknown;
}

/**
 * One MCP tool call: a run of the assistant through the run manager, as `POST /runs/wait` or
 * `POST /threads/{id}/runs/wait` would make it (the caller's tenant, scopes and identity), and
 * its final values read as an answer. A caller holding `threads:write` gets the run on a
 * thread (a new one, or `thread_id`'s), so a call that needs a person's approval pauses there
 * and the result names the approval; without it the run is stateless and such a call is refused.
 * Refusals and failures come back as tool errors (`isError`), never as protocol errors.
 */
export async function callAssistantTool(
  services: Services, caller: Caller, tool: AssistantTool, args: Record<string, unknown>, authorization?: AssistantCallAuthorization,
): Promise<CallToolResult> {
  try {
    const { thread_id: requestedThread, ...fields } = args;
    if (requestedThread !== undefined && (typeof requestedThread !== 'string' || requestedThread.length === 0 || requestedThread.length > 200)) {
      throw new AppError('VALIDATION_FAILED', 'thread_id must be a thread id (1-200 characters)');
    }
    const keepsThread = requestedThread !== undefined || holds(caller, 'threads:write');
    const threadId = requestedThread ?? (keepsThread ? randomUUID() : undefined);
    const input = inputOf(tool, fields);
    const creates = requestedThread === undefined && threadId !== undefined;
    const stamps = (await authorization?.beforeRun({ tool, threadId, creates, input })) ?? {};
    const request: CreateRunRequest = {
      tenantId: caller.tenantId,
      scopes: caller.scopes.includes('*') ? undefined : caller.scopes,
      threadId,
      assistantId: tool.assistant.assistant_id,
      input,
      metadata: { source: 'mcp', mcp_tool: tool.name },
      ...(creates ? { ifNotExists: 'create' as const } : {}),
      actor: caller.name,
      callerId: caller.id,
    };
    // New input on a thread paused at approvals supersedes them once accepted, as on the runs API.
    const run = await services.runs.create(request, requestedThread === undefined ? {} : { beforeAccept: supersedeWhenAccepted(services, caller.name) });
    // As a thread run's route does: the thread it created carries what the authorization handlers stamp.
    if (creates && Object.keys(stamps).length > 0) await services.repository.updateThread(caller.tenantId, threadId!, { metadata: stamps });
    const values = toWireValue<Record<string, unknown> | null>(await services.runs.join(run.tenant_id, run.run_id));
    return describeOutcome(readOutcome(run.run_id, threadId, values));
  } catch (error) {
    if (!isAppError(error)) services.logger.error({ error: { message: error instanceof Error ? error.message : String(error) } }, 'MCP tool call failed');
    return errorResult(error);
  }
}

function holds(caller: Caller, scope: string): boolean {
  return caller.scopes.includes('*') || caller.scopes.includes(scope) || caller.scopes.includes(`${scope.split(':')[0]}:*`);
}

function inputOf(tool: AssistantTool, fields: Record<string, unknown>): unknown {
  if (tool.inputKind === 'graph') return fields;
  const { request } = fields;
  if (typeof request !== 'string' || request.trim() === '') throw new AppError('VALIDATION_FAILED', '"request" must be a non-empty string');
  if (Object.keys(fields).some((key) => key !== 'request')) throw new AppError('VALIDATION_FAILED', 'Only "request" and "thread_id" are accepted');
  return { messages: [{ role: 'user', content: request }] };
}

function readOutcome(runId: string, threadId: string | undefined, values: Record<string, unknown> | null): AssistantToolOutcome {
  const interrupts = Array.isArray(values?.__interrupt__) ? (values.__interrupt__ as unknown[]) : [];
  const base = { run_id: runId, ...(threadId === undefined ? {} : { thread_id: threadId }) };
  const answer = answerIn(values);
  if (interrupts.length > 0) {
    const approvals = approvalInterruptsIn(interrupts).map(({ approvalId }) => {
      const value = (interrupts.find((interrupt) => (interrupt as { value?: { approvalId?: string } }).value?.approvalId === approvalId) as { value: Record<string, unknown> }).value;
      return { approval_id: approvalId, tool: value.tool as string | undefined, reason: value.reason as string | undefined, expires_at: value.expiresAt as string | undefined };
    });
    return { ...base, status: 'interrupted', approvals, ...(approvals.length === 0 ? { values: interrupts } : {}) };
  }
  return { ...base, status: 'success', ...(answer === undefined ? { values } : { answer }) };
}

/** The last AI message's text, or a specialist's report summary. */
function answerIn(values: Record<string, unknown> | null): string | undefined {
  const messages = Array.isArray(values?.messages) ? (values.messages as Array<{ type?: string; content?: unknown }>) : [];
  const last = messages.filter((message) => message.type === 'ai').at(-1);
  const text = typeof last?.content === 'string'
    ? last.content
    : Array.isArray(last?.content) ? last.content.map((part) => (part as { text?: string }).text ?? '').join('') : undefined;
  if (text) return text;
  const summary = (values?.report as { summary?: unknown } | undefined)?.summary;
  return typeof summary === 'string' && summary !== '' ? summary : undefined;
}

function describeOutcome(outcome: AssistantToolOutcome): CallToolResult {
  const where = outcome.thread_id === undefined ? `run ${outcome.run_id}` : `run ${outcome.run_id} on thread ${outcome.thread_id}`;
  let text: string;
  if (outcome.status === 'interrupted' && outcome.approvals?.length) {
    const list = outcome.approvals.map((approval) => `${approval.approval_id}${approval.tool ? ` (${approval.tool}${approval.reason ? `: ${approval.reason}` : ''})` : ''}`).join('; ');
    text = `Waiting for approval: ${list}. A person with approvals:write decides it with POST /approvals/{id}, and the ${where} resumes by itself (its outcome: GET /threads/{thread_id}/state). A new request on this thread before then would supersede the approval.`;
  } else if (outcome.status === 'interrupted') {
    text = `The ${where} paused at an interrupt and waits for input.`;
  } else {
    text = outcome.answer ?? JSON.stringify(outcome.values ?? null).slice(0, 20_000);
  }
  return { content: [{ type: 'text', text }], structuredContent: outcome as unknown as Record<string, unknown> };
}

function errorResult(error: unknown): CallToolResult {
  // AppError messages are written for clients; anything else is an internal fault, named generically.
  const text = isAppError(error) ? `${error.code}: ${error.message}` : 'INTERNAL: the run failed unexpectedly';
  return { isError: true, content: [{ type: 'text', text }] };
}
