import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { buildExecutorMessages, buildReprompt, chooseModelTier, isModelFailure, messageText, readToolReply, selectModel, type ToolReply } from '../agents/index.ts';
import { isBudgetExhausted } from '../limits/index.ts';
import { exemptFromBudget } from './budget-stop.ts';
import { callModel, recordReprompt } from './call-model.ts';
import { deriveIdempotencyKey, runToolCall, scanInputs, type ActionReview, type ToolCallOutcome, type ToolGuard } from '../tools/index.ts';
import { createActionReviewer } from './create-action-reviewer.ts';
import { createExecutorGuard } from './create-executor-guard.ts';
import { toolsForStep } from './tools-for-step.ts';
import { recordAudit } from './record-audit.ts';
import { limitsOf, type GraphDependencies } from './graph-dependencies.ts';
import type { ActionRecord, SpecialistReport } from '../contracts/index.ts';
import { readRunContext } from './run-context.ts';
import { fenceOf } from '../storage/index.ts';
import { ExecutorState } from './state.ts';

type State = typeof ExecutorState.State;

const isEffect = (action: ActionRecord) => action.risk !== 'read' && (action.status === 'ok' || action.status === 'in_doubt');

export interface ExecutorGraphOptions {
  /** An extra guard, run after the built-in rails and policies and before the pre-action review and approval. */
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
  const policy = dependencies.safety?.policy;

  async function plan(state: State, config: LangGraphRunnableConfig) {
    const { scopes } = readRunContext(config, dependencies.tools);
    const opening = state.messages.length === 0 ? buildExecutorMessages(state) : [];
    // Defence in depth: whatever the supervisor found, scan what this executor was handed too.
    const flags =
      state.messages.length === 0
        ? [...state.flags, ...scanInputs({ request: state.task, passages: state.context ? [{ text: state.context, origin: 'handoff context' }] : [] })]
        : state.flags;
    const tools = dependencies.tools.toModelTools({ scopes });
    const step = {
      step: 'plan',
      mayWrite: tools.some((tool) => dependencies.tools.get(tool.function.name)?.risk !== 'read'),
      factsLooked: state.actions.some((action) => action.risk === 'read' && action.status === 'ok'),
      effectDone: state.actions.some(isEffect),
      afterFailure: lastTurnFailed(state),
    } as const;
    const selected = selectModel(dependencies.models, 'executor', chooseModelTier(step));
    // Full write schemas on the turn that may propose a write, the one the routing policy calls premium.
    const planningWrite = step.afterFailure || (step.factsLooked && !step.effectDone);
    const model = selected.model.bindTools!(toolsForStep(tools, dependencies.tools, { planningWrite }));
    let reply: ToolReply;
    try {
      // Ids made up for calls sent without one are unique per turn: idempotency keys derive from them.
      reply = readToolReply(await callModel(model, [...state.messages, ...opening], { role: 'executor', config, audit: dependencies.audit, tier: selected }), `turn${state.turns + 1}_call`);
    } catch (error) {
      // After a change, the report must still reach the supervisor: it says what was done.
      // A budget stop is reported the same way: the supervisor then ends the request as partial.
      if (!(isModelFailure(error) || isBudgetExhausted(error)) || !state.actions.some(isEffect)) throw error;
      return { messages: opening, turns: state.turns + 1, flags, failure: { code: error.code, message: error.message } };
    }
    if (reply.empty) {
      const problem = 'Your reply was empty. Call a tool to carry out the task, or reply in plain text with what you did and did not do.';
      if (state.emptyReplies + 1 < limits.maxToolAttempts) await recordReprompt(dependencies.audit, config, { role: 'executor', attempt: state.emptyReplies + 1, problem: 'empty reply' });
      return { messages: [...opening, new HumanMessage(problem)], turns: state.turns + 1, flags, emptyReplies: state.emptyReplies + 1 };
    }
    // The reply as read (text and parsed calls), not the provider's raw fields, goes into the conversation.
    return { messages: [...opening, reply.message], turns: state.turns + 1, flags, malformedCalls: reply.malformed };
  }

  async function act(state: State, config: LangGraphRunnableConfig) {
    const context = readRunContext(config, dependencies.tools);
    const request = state.messages.at(-1);
    const calls = request && AIMessage.isInstance(request) ? (request.tool_calls ?? []) : [];
    const toolMessages: BaseMessage[] = [];
    const actions: ActionRecord[] = [...state.actions];
    let invalidCalls = state.invalidCalls;
    let refusedProposals = state.refusedProposals;
    // The review belongs to the action under way (on resume it re-runs right before an approved dispatch): never stopped by a budget.
    const reviewer = createActionReviewer({ models: dependencies.models, task: state.task, policyContext: state.context, config: exemptFromBudget(config), audit: dependencies.audit });
    const execute = async (call: (typeof calls)[number], index: number) => {
      const toolCallId = call.id ?? `${call.name}-${state.actions.length + index}`;
      const idempotencyKey = deriveIdempotencyKey({ tenantId: context.tenantId, threadId: context.threadId, toolCallId });
      // One guard chain per call, so the pre-action review of this call is kept beside its outcome.
      let reviewed: { review: ActionReview; args: unknown } | undefined;
      const guard = createExecutorGuard(dependencies, { extra: options.guard, reviewer, onReview: (review, input) => { reviewed = { review, args: input.args }; } });
      const outcome = await runToolCall({
        registry: dependencies.tools,
        ledger: dependencies.effects,
        call: { id: toolCallId, name: call.name, args: call.args },
        context: {
          tenantId: context.tenantId,
          scopes: context.scopes,
          idempotencyKey,
          signal: config.signal,
          threadId: context.threadId,
          runId: context.runId,
          flags: state.flags,
          actor: context.actor,
          stateless: context.stateless,
          fence: fenceOf(config),
        },
        guard,
        breakers: dependencies.safety?.breakers,
        deferred: dependencies.safety?.deferred,
      });
      return { toolCallId, idempotencyKey, reviewed: reviewed as { review: ActionReview; args: unknown } | undefined, outcome };
    };
    // Independent reads run together; writes run one at a time, in the order the model asked.
    const isRead = (call: (typeof calls)[number]) => dependencies.tools.get(call.name)?.risk === 'read';
    const reads = new Map(await Promise.all(calls.map(async (call, index) => [index, isRead(call) ? await execute(call, index) : undefined] as const)));
    for (const [index, call] of calls.entries()) {
      const { toolCallId, idempotencyKey, reviewed, outcome } = reads.get(index) ?? (await execute(call, index));
      if (outcome.status === 'invalid' || outcome.status === 'unknown_tool') invalidCalls += 1;
      if (outcome.status === 'forbidden' && reviewed?.review.verdict === 'refuse') refusedProposals += 1;
      const risk = dependencies.tools.get(call.name)?.risk;
      // The post-check looks the effect up in the domain's records by this call's key: it holds for a replay too.
      const postCheck = policy && outcome.status === 'ok' && risk !== 'read'
        ? await policy.confirm({ tool: call.name, args: reviewed?.args ?? call.args, result: outcome.result, context: { tenantId: context.tenantId, idempotencyKey, threadId: context.threadId } })
        : undefined;
      actions.push({
        ...toActionRecord(toolCallId, call.name, call.args, outcome, risk),
        ...(reviewed ? { review: reviewed.review } : {}),
        ...(postCheck ? { postCheck } : {}),
      });
      toolMessages.push(
        new ToolMessage({ tool_call_id: toolCallId, name: call.name, content: JSON.stringify(forModel(outcome)) }),
      );
    }
    // Calls whose arguments were not JSON ran nowhere: recorded as invalid and described to the model.
    for (const [index, call] of state.malformedCalls.entries()) {
      invalidCalls += 1;
      actions.push({ toolCallId: `malformed-${state.turns}-${index}`, tool: call.name, args: call.args, risk: dependencies.tools.get(call.name)?.risk, status: 'invalid', message: `arguments are not valid JSON: ${call.error}` });
    }
    if (state.malformedCalls.length > 0) {
      toolMessages.push(...buildReprompt({ text: '', calls: [], malformed: state.malformedCalls, empty: false, message: new AIMessage('') }, { answers: new Map(), otherwise: '', problems: ['Send each call again with valid JSON arguments.'] }));
    }
    return { messages: toolMessages, actions, invalidCalls, refusedProposals, malformedCalls: [] };
  }

  /** Audit the actions of the last `act` step; `act` may re-execute on resume, this node does not. */
  async function audit(state: State, config: LangGraphRunnableConfig) {
    for (const action of state.actions.slice(state.auditedActions)) {
      if (action.review) {
        await recordAudit(dependencies.audit, config, 'review.pre_action', { toolCallId: action.toolCallId, tool: action.tool, args: action.args, ...action.review });
      }
      const type = action.status === 'ok' ? 'tool.executed' : action.status === 'invalid' || action.status === 'unknown_tool' ? 'tool.requested' : 'tool.refused';
      await recordAudit(dependencies.audit, config, type, {
        toolCallId: action.toolCallId,
        tool: action.tool,
        args: action.args,
        risk: action.risk,
        status: action.status,
        message: action.message,
        replayed: action.replayed,
        result: action.status === 'ok' ? action.result : undefined,
      });
      if (action.postCheck) {
        await recordAudit(dependencies.audit, config, 'review.post_action', { toolCallId: action.toolCallId, tool: action.tool, ...action.postCheck });
      }
    }
    return { auditedActions: state.actions.length };
  }

  function summarise(state: State) {
    const last = state.messages.at(-1);
    const finalText = last && AIMessage.isInstance(last) && !last.tool_calls?.length ? messageText(last).trim() : '';
    const gaveUp = state.failure
      ? `Stopped: ${state.failure.message}.`
      : state.emptyReplies >= limits.maxToolAttempts
        ? `Stopped after ${state.emptyReplies} empty replies from the model.`
        : state.invalidCalls >= limits.maxToolAttempts
        ? `Stopped after ${state.invalidCalls} invalid tool calls.`
        : state.refusedProposals >= limits.maxToolAttempts
          ? `Stopped after ${state.refusedProposals} proposals the policy review refused.`
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
    if (state.failure) return 'summarise';
    const last = state.messages.at(-1);
    const turnsLeft = state.turns <= limits.maxExecutorTurns;
    // An empty reply was answered with a nudge: ask again, a bounded number of times.
    if (last && HumanMessage.isInstance(last)) return turnsLeft && state.emptyReplies < limits.maxToolAttempts ? 'plan' : 'summarise';
    const wantsTools = last && AIMessage.isInstance(last) && ((last.tool_calls?.length ?? 0) > 0 || state.malformedCalls.length > 0);
    return wantsTools && turnsLeft ? 'act' : 'summarise';
  }

  function afterAct(state: State) {
    const exhausted = state.invalidCalls >= limits.maxToolAttempts || state.refusedProposals >= limits.maxToolAttempts;
    return exhausted || state.turns >= limits.maxExecutorTurns ? 'summarise' : 'plan';
  }

  return new StateGraph(ExecutorState)
    .addNode('plan', plan)
    .addNode('act', act)
    .addNode('audit', audit)
    .addNode('summarise', summarise)
    .addEdge(START, 'plan')
    .addConditionalEdges('plan', afterPlan, ['plan', 'act', 'summarise'])
    .addEdge('act', 'audit')
    .addConditionalEdges('audit', afterAct, ['plan', 'summarise'])
    .addEdge('summarise', END)
    .compile({ checkpointer: dependencies.checkpointer, store: dependencies.store, name: 'executor' });
}

/** The model's last turn was sent back: an empty reply, malformed arguments, or a call found invalid or refused. */
function lastTurnFailed(state: State): boolean {
  const lastReply = state.messages.findLastIndex((message) => AIMessage.isInstance(message));
  if (state.messages.slice(lastReply + 1).some((message) => HumanMessage.isInstance(message))) return true;
  const calls = new Set(lastReply === -1 ? [] : ((state.messages[lastReply] as AIMessage).tool_calls ?? []).map((call) => call.id));
  return state.actions.some((action) => calls.has(action.toolCallId) && ['invalid', 'unknown_tool', 'forbidden'].includes(action.status))
    || state.actions.some((action) => action.toolCallId.startsWith(`malformed-${state.turns - 1}-`));
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
    case 'forbidden':
      // `details` says what the policy would allow, so the model can propose again.
      return { status: outcome.status, message: outcome.message, ...(outcome.details ? { details: outcome.details } : {}) };
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
