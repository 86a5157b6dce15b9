import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { genAiAttributes, genAiOperations, overseerAttributes } from './gen-ai-attributes.ts';
import { failSpan, overseerTracer } from './overseer-tracer.ts';
import { isInterrupt } from './trace-agent.ts';
import { tracingSettings } from './tracing-settings.ts';

/** What the guard chain decided about a call. */
export type ToolGuardVerdict = 'allowed' | 'refused' | 'held_for_approval';

/** How a call ended, as traces and metrics name it. */
export type ToolCallEnding =
  | 'executed'
  | 'replayed'
  | 'refused'
  | 'held_for_approval'
  | 'invalid'
  | 'unknown_tool'
  | 'failed'
  | 'in_doubt'
  | 'unavailable'
  | 'deferred';

export interface TracedToolCall {
  name: string;
  /** The model's tool call id. */
  id: string;
  description?: string;
  /** read, write, irreversible...: the tool's risk class. */
  risk?: string;
  arguments?: unknown;
}

/** The decision a held call was resumed with, as its span shows it (no arguments, no reason text). */
export interface ToolApprovalDecision {
  approvalId: string;
  /** approve, edit or reject; the request's status (expired, superseded, ...) when nobody decided. */
  decision: string;
  /** The principal that decided, as the audit's `approval.decided` names it. */
  approver?: string;
  /** From the request to the decision. */
  decisionSeconds?: number;
}

/** What the tool runner tells the span while the call is under way. */
export interface ToolCallSpan {
  guard(verdict: ToolGuardVerdict): void;
  /** The call was resumed with a person's decision on its approval request. */
  approval(decision: ToolApprovalDecision): void;
  end(ending: ToolCallEnding, result?: unknown): void;
}

const failures = new Set<ToolCallEnding>(['failed', 'in_doubt', 'unavailable']);

/**
 * Run one tool call inside an `execute_tool {name}` span: the tool, its call id and risk, the
 * guard's verdict and how the call ended (`overseer.tool.guard`, `overseer.tool.outcome`), the
 * arguments and result only when content capture is on. An interrupt thrown from inside (a
 * guard asking a person) ends the span `held_for_approval` and propagates.
 * @example return traceToolCall({ name, id, risk }, async (span) => { ...; span.end('executed', result); return outcome; });
 */
export async function traceToolCall<T>(call: TracedToolCall, work: (span: ToolCallSpan) => Promise<T>): Promise<T> {
  const { captureContent } = tracingSettings();
  return overseerTracer().startActiveSpan(`${genAiOperations.executeTool} ${call.name}`, {
    kind: SpanKind.INTERNAL,
    attributes: {
      [genAiAttributes.operationName]: genAiOperations.executeTool,
      [genAiAttributes.toolName]: call.name,
      [genAiAttributes.toolCallId]: call.id,
      [genAiAttributes.toolType]: 'function',
      ...(call.description ? { [genAiAttributes.toolDescription]: call.description } : {}),
      ...(call.risk ? { [overseerAttributes.toolRisk]: call.risk } : {}),
      ...(captureContent && call.arguments !== undefined ? { [genAiAttributes.toolCallArguments]: serialize(call.arguments) } : {}),
    },
  }, async (span: Span) => {
    let ended = false;
    const handle: ToolCallSpan = {
      guard: (verdict) => span.setAttribute(overseerAttributes.toolGuard, verdict),
      approval({ approvalId, decision, approver, decisionSeconds }) {
        span.setAttributes({
          [overseerAttributes.approvalId]: approvalId,
          [overseerAttributes.approvalDecision]: decision,
          ...(approver === undefined ? {} : { [overseerAttributes.approvalApprover]: approver }),
          ...(decisionSeconds === undefined ? {} : { [overseerAttributes.approvalDecisionSeconds]: decisionSeconds }),
        });
      },
      end(ending, result) {
        ended = true;
        span.setAttribute(overseerAttributes.toolOutcome, ending);
        if (captureContent && result !== undefined) span.setAttribute(genAiAttributes.toolCallResult, serialize(result));
        if (failures.has(ending)) {
          span.setAttribute(genAiAttributes.errorType, ending);
          span.setStatus({ code: SpanStatusCode.ERROR, message: `tool call ${ending}` });
        }
      },
    };
    try {
      return await work(handle);
    } catch (error) {
      if (isInterrupt(error)) {
        handle.guard('held_for_approval');
        handle.end('held_for_approval');
      } else if (!ended) failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

function serialize(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value) ?? 'null';
  } catch {
    return String(value);
  }
}
