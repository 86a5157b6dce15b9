import { END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { AIMessage } from '@langchain/core/messages';
import { buildReviewerMessages, runRuleChecks, verdictToolName } from '../agents/index.ts';
import type { GraphDependencies } from './graph-dependencies.ts';
import type { SpecialistReport } from './handoff.ts';
import { ReviewerState } from './state.ts';
import { recordAudit } from './record-audit.ts';

import { verdictSchema, verdictTool } from './verdict-tool.ts';

type State = typeof ReviewerState.State;

/**
 * Reviewer specialist: deterministic rule checks on the evidence (citations, action
 * outcomes, duplicates, policy backing), then the model's judgment against the acceptance
 * criteria. A failed rule check always means "revise".
 * @example const graph = createReviewerGraph({ models });
 */
export function createReviewerGraph(dependencies: Pick<GraphDependencies, 'models' | 'checkpointer' | 'store' | 'audit'>) {
  function check(state: State) {
    const checks = runRuleChecks({
      task: state.task,
      answer: state.evidence.answer,
      summary: state.evidence.summary,
      citations: state.evidence.citations,
      actions: state.evidence.actions,
    });
    return { checks };
  }

  async function judge(state: State, config: LangGraphRunnableConfig) {
    const messages = buildReviewerMessages({
      task: state.task,
      acceptanceCriteria: state.acceptanceCriteria,
      evidence: state.evidence,
      checks: state.checks,
    });
    const reply = await dependencies.models.reviewer.bindTools!([verdictTool]).invoke(messages, config);
    const call = AIMessage.isInstance(reply) ? reply.tool_calls?.find((candidate) => candidate.name === verdictToolName) : undefined;
    const parsed = verdictSchema.safeParse(call?.args);
    const failedChecks = state.checks.filter((ruleCheck) => !ruleCheck.passed);
    const reasons = [
      ...failedChecks.map((ruleCheck) => `${ruleCheck.name}: ${ruleCheck.detail}`),
      ...(parsed.success ? parsed.data.reasons : ['the reviewer model gave no valid verdict']),
    ];
    const accepted = failedChecks.length === 0 && parsed.success && parsed.data.verdict === 'accept';
    await recordAudit(dependencies.audit, config, 'review.verdict', { task: state.task, accepted, reasons, checks: state.checks });
    const report: SpecialistReport = {
      outcome: accepted ? 'accepted' : 'revise',
      summary: accepted ? 'Accepted.' : `Sent back: ${reasons.join('; ')}`.slice(0, 1_500),
      citations: [],
      actions: [],
      reasons: accepted ? [] : reasons,
    };
    return { report };
  }

  return new StateGraph(ReviewerState)
    .addNode('check', check)
    .addNode('judge', judge)
    .addEdge(START, 'check')
    .addEdge('check', 'judge')
    .addEdge('judge', END)
    .compile({ checkpointer: dependencies.checkpointer, store: dependencies.store, name: 'reviewer' });
}
