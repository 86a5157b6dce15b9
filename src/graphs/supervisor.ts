import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { Command, END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { z } from 'zod';
import { buildRouterMessages, handoffToolName, messageText, specialistDescriptions } from '../agents/index.ts';
import { createExecutorGraph } from './executor.ts';
import { limitsOf, type GraphDependencies } from './graph-dependencies.ts';
import { handoffSchema, specialistNames, type Evidence, type SpecialistName, type SpecialistReport, type Step } from './handoff.ts';
import { createRetrieverGraph } from './retriever.ts';
import { createReviewerGraph } from './reviewer.ts';
import { recordAudit } from './record-audit.ts';
import { readRunContext } from './run-context.ts';
import { logError } from '../observability/index.ts';
import { scanInputs } from '../tools/index.ts';
import { SupervisorState, type PendingHandoff, type RunResult } from './state.ts';
import type { ExecutorGraphOptions } from './executor.ts';

type State = typeof SupervisorState.State;

const handoffTools = specialistNames.map((specialist) => ({
  type: 'function' as const,
  function: {
    name: handoffToolName(specialist),
    description: specialistDescriptions[specialist],
    parameters: z.toJSONSchema(handoffSchema, { io: 'input' }) as Record<string, unknown>,
  },
}));

/** How many times the router may propose an invalid handoff before the request stops. */
const routerAttempts = 2;
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

    const conversation = state.messages.filter((message) => !ToolMessage.isInstance(message)).slice(-12);
    const routerMessages: BaseMessage[] = buildRouterMessages(conversation, steps, coverage);
    const model = dependencies.models.supervisor.bindTools!(handoffTools);
    for (let attempt = 1; attempt <= routerAttempts; attempt += 1) {
      const reply = await model.invoke(routerMessages, config);
      const call = AIMessage.isInstance(reply) ? reply.tool_calls?.[0] : undefined;
      if (!call) {
        const answer = messageText(reply).trim();
        return finish(reset, answer ? { status: 'complete', answer } : partialResult(steps, 'the router gave no answer'));
      }
      const specialist = specialistNames.find((name) => handoffToolName(name) === call.name);
      const handoff = handoffSchema.safeParse(call.args);
      if (specialist && handoff.success) {
        const pending: PendingHandoff = { specialist, ...handoff.data };
        const repeats = steps.filter((step) => step.specialist === specialist && step.task === pending.task).length;
        if (repeats >= loopThreshold) {
          return finish(reset, partialResult(steps, `loop detected: ${specialist} was asked the same task ${repeats} times`));
        }
        await recordAudit(dependencies.audit, config, 'routing.decided', { hop: hops + 1, specialist, task: pending.task });
        return new Command({ goto: specialist, update: { ...reset, pending } });
      }
      // Tell the router exactly what was wrong, then let it try again.
      const issues = specialist
        ? handoff.error!.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')
        : `unknown tool "${call.name}"; use one of ${handoffTools.map((tool) => tool.function.name).join(', ')}`;
      routerMessages.push(reply, new ToolMessage({ tool_call_id: call.id ?? 'invalid', content: `Invalid handoff: ${issues}` }));
    }
    return finish(reset, partialResult(steps, `the router proposed no valid handoff in ${routerAttempts} attempts`));
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
      };
      const output = await specialists[specialist].invoke(input as never, config);
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
        hop: state.hops + 1,
        specialist,
        task: pending.task,
      };
      return new Command({
        goto: 'route',
        update: { steps: [...state.steps, step], hops: state.hops + 1, pending: null },
      });
    };
  }

  function finalAnswer(state: State) {
    const result = state.result ?? partialResult(state.steps, 'finished without a result');
    return {
      messages: [
        new AIMessage({
          content: result.answer,
          name: 'supervisor',
          response_metadata: { status: result.status, reason: result.reason },
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

/** A partial answer says why it stopped and what was done, from the reports alone. */
function partialResult(steps: Step[], reason: string): RunResult {
  const progress = steps.map((step) => `- ${step.specialist} (${step.outcome}): ${step.summary}`).join('\n');
  return {
    status: 'partial',
    reason,
    answer: `I stopped before finishing: ${reason}.${progress ? `\nWhat was done so far:\n${progress}` : ' Nothing was done.'}`,
  };
}

/** Earlier reports travel with each handoff, so a specialist never depends on the router copying them. */
function withFindings(context: string, steps: Step[]): string {
  const findings = steps.map((step) => `${step.specialist} (${step.outcome}): ${step.summary}`).join('\n');
  return [context, findings && `Findings so far:\n${findings}`].filter(Boolean).join('\n\n').slice(0, 8_000);
}

/** Injection findings in the request and in every passage read so far: they follow the work to the executor. */
function flagsFor(state: State) {
  const request = [...state.messages].reverse().find((message) => HumanMessage.isInstance(message));
  return [...scanInputs({ request: request ? messageText(request) : '' }), ...state.steps.flatMap((step) => step.flags)];
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
