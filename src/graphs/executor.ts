import { AIMessage, ToolMessage } from '@langchain/core/messages';
import { END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { buildExecutorMessages, messageText } from '../agents/index.ts';
import { deriveIdempotencyKey, runToolCall, scanInputs, type ToolCallOutcome, type ToolGuard } from '../tools/index.ts';
import { createExecutorGuard } from './create-executor-guard.ts';
import { recordAudit } from './record-audit.ts';
import { limitsOf, type GraphDependencies } from './graph-dependencies.ts';
import type { ActionRecord, SpecialistReport } from './handoff.ts';
import { readRunContext } from './run-context.ts';
import { ExecutorState } from './state.ts';

type State = typeof ExecutorState.State;

export interface ExecutorGraphOptions {
  /** An extra guard, run after the built-in rails and policies and before approval. */
  guard?: ToolGuard;
}

/**
 * Executor specialist: turn the task into tool calls, validate each against its tool's
 * schema (issues go back to the model per field, a bounded number of times), execute
 * through the effect ledger so a side effect never happens twice for the same tool call,
 * observe, and summarise.
 * @example const graph = createExecutorGraph({ models, retriever, tools, effects });
 */
export function createExecutorGraph(
  dependencies: Pick<GraphDependencies, 'models' | 'tools' | 'effects' | 'checkpointer' | 'store' | 'limits' | 'safety' | 'audit'>,
  options: ExecutorGraphOptions = {},
) {
  const limits = limitsOf(dependencies as GraphDependencies);
  const guard = createExecutorGuard(dependencies, options.guard);

  async function plan(state: State, config: LangGraphRunnableConfig) {
    const { scopes } = readRunContext(config, dependencies.tools);
    const opening = state.messages.length === 0 ? buildExecutorMessages(state) : [];
    // Defence in depth: whatever the supervisor found, scan what this executor was handed too.
    const flags =
      state.messages.length === 0
        ? [...state.flags, ...scanInputs({ request: state.task, passages: state.context ? [{ text: state.context, origin: 'handoff context' }] : [] })]
        : state.flags;
    const model = dependencies.models.executor.bindTools!(dependencies.tools.toModelTools({ scopes }));
    const reply = await model.invoke([...state.messages, ...opening], config);
    return { messages: [...opening, reply], turns: state.turns + 1, flags };
  }

  async function act(state: State, config: LangGraphRunnableConfig) {
    const context = readRunContext(config, dependencies.tools);
    const request = state.messages.at(-1);
    const calls = request && AIMessage.isInstance(request) ? (request.tool_calls ?? []) : [];
    const toolMessages: ToolMessage[] = [];
    const actions: ActionRecord[] = [...state.actions];
    let invalidCalls = state.invalidCalls;
    for (const call of calls) {
      const toolCallId = call.id ?? `${call.name}-${actions.length}`;
      const outcome = await runToolCall({
        registry: dependencies.tools,
        ledger: dependencies.effects,
        call: { id: toolCallId, name: call.name, args: call.args },
        context: {
          tenantId: context.tenantId,
          scopes: context.scopes,
          idempotencyKey: deriveIdempotencyKey({ tenantId: context.tenantId, threadId: context.threadId, toolCallId }),
          signal: config.signal,
          threadId: context.threadId,
          runId: context.runId,
          flags: state.flags,
        },
        guard,
        breakers: dependencies.safety?.breakers,
        deferred: dependencies.safety?.deferred,
      });
      if (outcome.status === 'invalid' || outcome.status === 'unknown_tool') invalidCalls += 1;
      actions.push(toActionRecord(toolCallId, call.name, call.args, outcome, dependencies.tools.get(call.name)?.risk));
      toolMessages.push(
        new ToolMessage({ tool_call_id: toolCallId, name: call.name, content: JSON.stringify(forModel(outcome)) }),
      );
    }
    return { messages: toolMessages, actions, invalidCalls };
  }

  /** Audit the actions of the last `act` step; `act` may re-execute on resume, this node does not. */
  async function audit(state: State, config: LangGraphRunnableConfig) {
    for (const action of state.actions.slice(state.auditedActions)) {
      const type = action.status === 'ok' ? 'tool.executed' : action.status === 'invalid' || action.status === 'unknown_tool' ? 'tool.requested' : 'tool.refused';
      await recordAudit(dependencies.audit, config, type, {
        toolCallId: action.toolCallId,
        tool: action.tool,
        args: action.args,
        status: action.status,
        message: action.message,
        replayed: action.replayed,
        result: action.status === 'ok' ? action.result : undefined,
      });
    }
    return { auditedActions: state.actions.length };
  }

  function summarise(state: State) {
    const last = state.messages.at(-1);
    const finalText = last && AIMessage.isInstance(last) && !last.tool_calls?.length ? messageText(last).trim() : '';
    const gaveUp =
      state.invalidCalls >= limits.maxToolAttempts
        ? `Stopped after ${state.invalidCalls} invalid tool calls.`
        : !finalText
          ? `Stopped after ${state.turns} model turns without finishing.`
          : undefined;
    const effects = state.actions.filter((action) => action.risk !== 'read');
    const outcome: SpecialistReport['outcome'] = gaveUp
      ? 'failed'
      : state.actions.some((action) => action.status === 'ok')
        ? 'completed'
        : effects.length > 0
          ? 'failed'
          : 'no_action';
    const report: SpecialistReport = {
      outcome,
      summary: [finalText, gaveUp].filter(Boolean).join(' ').slice(0, 1_500),
      citations: [],
      actions: state.actions,
      reasons: gaveUp ? [gaveUp] : [],
    };
    return { report };
  }

  function afterPlan(state: State) {
    const last = state.messages.at(-1);
    const wantsTools = last && AIMessage.isInstance(last) && (last.tool_calls?.length ?? 0) > 0;
    return wantsTools && state.turns <= limits.maxExecutorTurns ? 'act' : 'summarise';
  }

  function afterAct(state: State) {
    return state.invalidCalls >= limits.maxToolAttempts || state.turns >= limits.maxExecutorTurns ? 'summarise' : 'plan';
  }

  return new StateGraph(ExecutorState)
    .addNode('plan', plan)
    .addNode('act', act)
    .addNode('audit', audit)
    .addNode('summarise', summarise)
    .addEdge(START, 'plan')
    .addConditionalEdges('plan', afterPlan, ['act', 'summarise'])
    .addEdge('act', 'audit')
    .addConditionalEdges('audit', afterAct, ['plan', 'summarise'])
    .addEdge('summarise', END)
    .compile({ checkpointer: dependencies.checkpointer, store: dependencies.store, name: 'executor' });
}

/** What the model sees of an outcome: results and per-field issues, nothing internal. */
function forModel(outcome: ToolCallOutcome) {
  switch (outcome.status) {
    case 'ok':
      return { status: 'ok', result: outcome.result };
    case 'invalid':
      return { status: 'invalid', issues: outcome.issues, message: 'Fix exactly these fields and call again.' };
    case 'unavailable':
      return { status: outcome.status, message: outcome.message, queued: outcome.queued ?? null };
    default:
      return { status: outcome.status, message: outcome.message };
  }
}

function toActionRecord(
  toolCallId: string,
  tool: string,
  args: unknown,
  outcome: ToolCallOutcome,
  risk: ActionRecord['risk'],
): ActionRecord {
  return {
    toolCallId,
    tool,
    args,
    risk,
    status: outcome.status,
    result: outcome.status === 'ok' ? outcome.result : undefined,
    message:
      outcome.status === 'ok'
        ? undefined
        : outcome.status === 'invalid'
          ? outcome.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')
          : outcome.message,
    replayed: outcome.status === 'ok' ? outcome.replayed : undefined,
  };
}
