import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { Command, END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { buildRouterMessages, chooseModelTier, functionTool, handoffToolName, isModelFailure, messageText, routerConversation, selectModel, specialistDescriptions } from '../agents/index.ts';
import type { AppError } from '../errors.ts';
import { isBudgetExhausted } from '../limits/index.ts';
import { budgetStopResult } from './budget-stop.ts';
import { callModel, recordReprompt } from './call-model.ts';
import { createExecutorGraph } from './executor.ts';
import { limitsOf, type GraphDependencies } from './graph-dependencies.ts';
import { handoffSchema, specialistNames, type Evidence, type SpecialistName, type SpecialistReport, type Step } from '../contracts/index.ts';
import { groundAnswer } from './ground-answer.ts';
import { createRetrieverGraph } from './retriever.ts';
import { createReviewerGraph } from './reviewer.ts';
import { readRouterReply } from './read-router-reply.ts';
import { recordAudit } from './record-audit.ts';
import { effectsDone, partialResult, unresolvedReason, unresolvedSteps, withProgress } from './run-progress.ts';
import { readRunContext } from './run-context.ts';
import { logError, traceAgent } from '../observability/index.ts';
import { scanInputs } from '../tools/index.ts';
import { SupervisorState, type PendingHandoff, type RunResult } from './state.ts';
import type { ExecutorGraphOptions } from './executor.ts';

type State = typeof SupervisorState.State;

/** How many replies the router may give that are no handoff and no answer (invalid, malformed, empty) before the request stops. */
const routerAttempts = 3;
/** The same specialist with the same task this many times is a loop. */
const loopThreshold = 2;

export type SupervisorGraphOptions = ExecutorGraphOptions;

/**
 * The supervisor: reads the request, routes to the retriever, executor or reviewer with a
 * typed handoff, keeps each specialist's short report, chains them, and finishes with an
 * answer. A hop budget and a loop guard end runaway conversations with a partial result
 * and a reason instead of a recursion error.
 * @example
 * const graph = createSupervisorGraph({ models, retriever, tools, effects, checkpointer });
 * await graph.invoke({ messages: [new HumanMessage('What is the refund policy?')] }, { configurable: { thread_id } });
 */
export function createSupervisorGraph(dependencies: GraphDependencies, options: SupervisorGraphOptions = {}) {
  const limits = limitsOf(dependencies);
  // The router reads what each specialist can do in the domain's words when it gives them.
  const descriptions = { ...specialistDescriptions, ...dependencies.specialistDescriptions };
  // The model is shown the task and its criteria; `context` stays accepted but is not asked for,
  // since every handoff carries the earlier reports anyway (`withFindings`). A reviewer's verdict
  // is never the reply, so its handoff does not offer `replyDirectly`.
  const shownHandoff = handoffSchema.pick({ task: true, acceptanceCriteria: true });
  const shownFor = (specialist: SpecialistName) => specialist === 'reviewer' ? shownHandoff : handoffSchema.pick({ task: true, acceptanceCriteria: true, replyDirectly: true });
  const handoffTools = specialistNames.map((specialist) => functionTool(handoffToolName(specialist), descriptions[specialist], shownFor(specialist)));
  // Subgraphs inherit the parent's checkpointer, so their state lives in the parent's thread.
  const inner = { ...dependencies, checkpointer: undefined, store: undefined };
  const specialists = {
    retriever: createRetrieverGraph(inner),
    executor: createExecutorGraph(inner, options),
    reviewer: createReviewerGraph(inner),
  };

  async function route(state: State, config: LangGraphRunnableConfig) {
    const request = [...state.messages].reverse().find((message) => HumanMessage.isInstance(message));
    const requestId = request?.id ?? '';
    const fresh = requestId !== state.requestId;
    const steps = fresh ? [] : state.steps;
    const hops = fresh ? 0 : state.hops;
    const coverage = fresh ? await probeCoverage(request, config) : state.coverage;
    const reset = { requestId, steps, hops, pending: null, coverage };
    if (!request) return finish(reset, { status: 'partial', answer: 'There is no request to work on.', reason: 'no human message' });
    if (hops >= limits.maxHops) {
      return finish(reset, partialResult(steps, `hop budget of ${limits.maxHops} exhausted`));
    }

    const routerMessages: BaseMessage[] = buildRouterMessages(routerConversation(state.messages, request), steps, coverage);
    // One handoff at a time: providers that support it are asked for a single call.
    const routing = selectModel(dependencies.models, 'supervisor', chooseModelTier({ step: 'route' }));
    // Only the handoffs this step can use: before any step of the request there is nothing to review.
    const usable = steps.length === 0 ? handoffTools.filter((tool) => tool.function.name !== handoffToolName('reviewer')) : handoffTools;
    const model = routing.model.bindTools!(usable, { parallel_tool_calls: false } as never);
    let problem = '';
    for (let attempt = 1; attempt <= routerAttempts; attempt += 1) {
      let reply: BaseMessage;
      try {
        reply = await callModel(model, routerMessages, { role: 'supervisor', config, audit: dependencies.audit, tier: routing });
      } catch (error) {
        if (isBudgetExhausted(error)) return finish(reset, budgetStopResult(steps, error));
        if (!isModelFailure(error)) throw error;
        return stopAfterModelFailure(reset, steps, error, 'router');
      }
      const decision = readRouterReply(reply);
      if (decision.kind === 'answer') {
        const unresolved = unresolvedSteps(steps);
        const result: RunResult = unresolved.length === 0
          ? { status: 'complete', answer: decision.text }
          : { status: 'partial', answer: decision.text, reason: unresolved.map(unresolvedReason).join('; ') };
        return finish(reset, { ...result, ...(decision.messageId ? { messageId: decision.messageId } : {}) });
      }
      if (decision.kind === 'handoff') {
        const { pending, ignored } = decision;
        const repeats = steps.filter((step) => step.specialist === pending.specialist && step.task === pending.task).length;
        if (repeats >= loopThreshold) {
          return finish(reset, partialResult(steps, `loop detected: ${pending.specialist} was asked the same task ${repeats} times`));
        }
        await recordAudit(dependencies.audit, config, 'routing.decided', {
          hop: hops + 1,
          specialist: pending.specialist,
          task: pending.task,
          ...(pending.replyDirectly && pending.specialist !== 'reviewer' ? { replyDirectly: true } : {}),
          ...(ignored.length > 0 ? { ignored } : {}),
        });
        return new Command({ goto: pending.specialist, update: { ...reset, pending } });
      }
      // Tell the router exactly what was wrong, answering every call it made, then let it try again.
      problem = decision.problem;
      await recordReprompt(dependencies.audit, config, { role: 'supervisor', attempt, problem });
      routerMessages.push(...decision.messages);
    }
    return finish(reset, partialResult(steps, `the router proposed no valid handoff in ${routerAttempts} attempts (last: ${problem})`));
  }

  /**
   * A model failure after something was changed ends the request with a partial answer that says
   * what was done; before any change it is the run's error, saying which steps had completed.
   */
  function stopAfterModelFailure(update: Partial<State>, steps: Step[], error: AppError, failed: SpecialistName | 'router') {
    if (effectsDone(steps).length === 0) throw withProgress(error, steps, failed);
    const stopped = failed === 'router' ? 'the supervisor could not go on' : `the ${failed} could not run`;
    return finish(update, partialResult(steps, `${stopped} (${error.message})`, { code: error.code, message: error.message, specialist: failed }));
  }

  /** Ask the retriever how well the knowledge base matches the request; scores, not words. */
  async function probeCoverage(request: BaseMessage | undefined, config: LangGraphRunnableConfig) {
    if (!request) return null;
    try {
      const hits = await dependencies.retriever.search({ tenantId: readRunContext(config).tenantId, query: messageText(request), limit: 3 });
      return { topScore: hits[0]?.score ?? 0, documents: [...new Set(hits.map((hit) => hit.documentId))] };
    } catch (error) {
      // Without a probe the router still decides, by words; the retriever reports outages itself.
      logError('coverage probe failed:', error);
      return null;
    }
  }

  function specialistNode(specialist: SpecialistName) {
    return async (state: State, config: LangGraphRunnableConfig) => {
      const pending = state.pending;
      if (!pending || pending.specialist !== specialist) {
        return new Command({ goto: 'route', update: { pending: null } });
      }
      const input = {
        task: pending.task,
        acceptanceCriteria: pending.acceptanceCriteria,
        context: withFindings(pending.context, state.steps),
        ...(specialist === 'reviewer' ? { evidence: evidenceFrom(state.steps) } : {}),
        ...(specialist === 'executor' ? { flags: flagsFor(state) } : {}),
        ...(specialist === 'retriever' ? { request: requestText(state), streamAnswer: pending.replyDirectly } : {}),
      };
      let output: unknown;
      try {
        // One `invoke_agent` span per hop: the specialist's model, tool and search spans nest below it.
        const { tenantId, threadId, runId } = readRunContext(config);
        output = await traceAgent(
          { name: specialist, description: specialistDescriptions[specialist], conversationId: threadId, tenantId, runId },
          (): Promise<unknown> => specialists[specialist].invoke(input as never, config),
        );
      } catch (error) {
        // A specialist refused a model call by budget before changing anything (after a change it reports instead).
        if (isBudgetExhausted(error)) return finish({ pending: null }, budgetStopResult(state.steps, error));
        if (!isModelFailure(error)) throw error;
        return stopAfterModelFailure({ pending: null }, state.steps, error, specialist);
      }
      const report: SpecialistReport = (output as { report?: SpecialistReport }).report ?? {
        outcome: 'failed',
        summary: `${specialist} returned no report`,
      };
      const step: Step = {
        ...report,
        citations: report.citations ?? [],
        actions: report.actions ?? [],
        reasons: report.reasons ?? [],
        flags: report.flags ?? [],
        passages: report.passages ?? [],
        hop: state.hops + 1,
        specialist,
        task: pending.task,
      };
      const update = { steps: [...state.steps, step], hops: state.hops + 1, pending: null };
      if (repliesDirectly(pending, step)) {
        // The answer's tokens were streamed under `messageId`; the reply keeps it, so it is streamed once.
        return finish(update, { status: 'complete', answer: step.summary, ...(step.messageId ? { messageId: step.messageId } : {}) });
      }
      return new Command({ goto: 'route', update });
    };
  }

  async function finalAnswer(state: State, config: LangGraphRunnableConfig) {
    // Every answer is checked against what this run found, whether or not the router asked for a review.
    // Only a failed grounding check calls a model here: the revision, a premium call.
    const revision = selectModel(dependencies.models, 'supervisor', chooseModelTier({ step: 'revise_answer' }));
    const result = await groundAnswer(state.result ?? partialResult(state.steps, 'finished without a result'), state.steps, {
      model: revision.model,
      tier: revision,
      config,
      audit: dependencies.audit,
    });
    const hits = state.steps.filter((step) => step.cached).length;
    return {
      result: hits > 0 ? { ...result, answerCache: { hits } } : result,
      messages: [
        new AIMessage({
          // The answer keeps the id it was streamed under, so it is streamed once; unless an earlier
          // message of the thread has it (a provider that repeats ids, an offline model's
          // same-prompt id), which the reply would replace.
          ...(result.messageId && !state.messages.some((message) => message.id === result.messageId) ? { id: result.messageId } : {}),
          content: result.answer,
          name: 'supervisor',
          response_metadata: {
            status: result.status,
            reason: result.reason,
            ...(result.error ? { error: result.error } : {}),
            ...(result.grounding ? { grounding: result.grounding } : {}),
          },
        }),
      ],
    };
  }

  return new StateGraph(SupervisorState)
    .addNode('route', route, { ends: ['retriever', 'executor', 'reviewer', 'finish'] })
    .addNode('retriever', specialistNode('retriever'), { ends: ['route'], subgraphs: [specialists.retriever] })
    .addNode('executor', specialistNode('executor'), { ends: ['route'], subgraphs: [specialists.executor] })
    .addNode('reviewer', specialistNode('reviewer'), { ends: ['route'], subgraphs: [specialists.reviewer] })
    .addNode('finish', finalAnswer)
    .addEdge(START, 'route')
    .addEdge('finish', END)
    .compile({ checkpointer: dependencies.checkpointer, store: dependencies.store, name: 'supervisor' })
    .withConfig({ recursionLimit: limits.maxHops * 2 + 10 });
}

function finish(update: Partial<State>, result: RunResult) {
  return new Command({ goto: 'finish', update: { ...update, result } });
}

/**
 * The router asked for the specialist's answer to be the reply, and it can be: the retriever
 * answered from the knowledge base with citations, or the executor only looked records up (every
 * call a read that succeeded). Anything else (not covered, failed, a change made or refused, an
 * injection finding) goes back to the router, which decides as if it had not asked; a change
 * always goes on to the reviewer. The reply still passes the grounding check in `finish`.
 */
function repliesDirectly(pending: PendingHandoff, step: Step): boolean {
  if (!pending.replyDirectly || step.flags.length > 0) return false;
  if (step.specialist === 'retriever') return step.outcome === 'answered' && step.citations.length > 0;
  if (step.specialist === 'executor') {
    return step.outcome === 'completed' && step.actions.length > 0 && step.actions.every((action) => action.risk === 'read' && action.status === 'ok');
  }
  return false;
}

/** Earlier reports travel with each handoff, so a specialist never depends on the router copying them. */
function withFindings(context: string, steps: Step[]): string {
  const findings = steps.map((step) => `${step.specialist} (${step.outcome}): ${step.summary}`).join('\n');
  return [context, findings && `Findings so far:\n${findings}`].filter(Boolean).join('\n\n').slice(0, 8_000);
}

/** The customer's latest message, in their own words. */
function requestText(state: State): string {
  const request = [...state.messages].reverse().find((message) => HumanMessage.isInstance(message));
  return request ? messageText(request) : '';
}

/** Injection findings in the request and in every passage read so far: they follow the work to the executor. */
function flagsFor(state: State) {
  return [...scanInputs({ request: requestText(state) }), ...state.steps.flatMap((step) => step.flags)];
}

function evidenceFrom(steps: Step[]): Evidence {
  const retrieval = steps.findLast((step) => step.specialist === 'retriever');
  const execution = steps.findLast((step) => step.specialist === 'executor');
  return {
    answer: execution ? undefined : retrieval?.summary,
    summary: execution?.summary,
    citations: steps.flatMap((step) => step.citations),
    actions: execution?.actions ?? [],
  };
}

