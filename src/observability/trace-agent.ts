import { context, SpanKind, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { genAiAttributes, genAiOperations, overseerAttributes } from './gen-ai-attributes.ts';
import { failSpan, overseerTracer } from './overseer-tracer.ts';

/** Who is invoked: a graph for a run, a specialist for a hop. */
export interface AgentInvocation {
  /** `gen_ai.agent.name`: the graph (`supervisor`) or the specialist (`retriever`, `executor`, `reviewer`). */
  name: string;
  /** `gen_ai.agent.id`: the assistant, for a run. */
  id?: string;
  description?: string;
  /** `gen_ai.conversation.id`: the thread. */
  conversationId?: string;
  tenantId?: string;
  runId?: string;
  attributes?: Attributes;
}

/**
 * Start an `invoke_agent {name}` span (kind INTERNAL: the agent runs in this process) under
 * `parent`, and the context to run the agent's work in so everything it does nests below.
 * @example const agent = startAgentSpan({ name: 'supervisor', conversationId: threadId }, parent); await context.with(agent.context, work); agent.span.end();
 */
export function startAgentSpan(invocation: AgentInvocation, parent: Context = context.active()): { span: Span; context: Context } {
  const attributes: Attributes = {
    [genAiAttributes.operationName]: genAiOperations.invokeAgent,
    [genAiAttributes.agentName]: invocation.name,
  };
  if (invocation.id) attributes[genAiAttributes.agentId] = invocation.id;
  if (invocation.description) attributes[genAiAttributes.agentDescription] = invocation.description;
  if (invocation.conversationId) attributes[genAiAttributes.conversationId] = invocation.conversationId;
  if (invocation.tenantId) attributes[overseerAttributes.tenant] = invocation.tenantId;
  if (invocation.runId) attributes[overseerAttributes.runId] = invocation.runId;
  if (invocation.attributes) Object.assign(attributes, invocation.attributes);
  const span = overseerTracer().startSpan(`${genAiOperations.invokeAgent} ${invocation.name}`, { kind: SpanKind.INTERNAL, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/**
 * Run one agent invocation (a specialist hop) inside its `invoke_agent` span; a failure is
 * recorded on the span and rethrown. An interrupt (a pause for approval) is no failure: the
 * span ends marked `overseer.agent.paused`.
 * @example const output = await traceAgent({ name: 'executor', conversationId: threadId }, () => executor.invoke(input, config));
 */
export async function traceAgent<T>(invocation: AgentInvocation, work: () => Promise<T>): Promise<T> {
  const agent = startAgentSpan(invocation);
  try {
    return await context.with(agent.context, work);
  } catch (error) {
    if (isInterrupt(error)) agent.span.setAttribute('overseer.agent.paused', true);
    else failSpan(agent.span, error);
    throw error;
  } finally {
    agent.span.end();
  }
}

/**
 * LangGraph's control flow (an interrupt, a `Command` to a parent graph), which bubbles up as an
 * error with `is_bubble_up`: read by that flag, as observability does not depend on the graph library.
 */
export function isInterrupt(error: unknown): boolean {
  return (error as { is_bubble_up?: unknown } | undefined)?.is_bubble_up === true;
}
