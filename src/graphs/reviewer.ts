import { END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { buildReviewerMessages, chooseModelTier, runRuleChecks, selectModel } from '../agents/index.ts';
import type { GraphDependencies } from './graph-dependencies.ts';
import type { SpecialistReport } from '../contracts/index.ts';
import { ReviewerState } from './state.ts';
import { recordAudit } from './record-audit.ts';
import { requestVerdict } from './request-verdict.ts';

type State = typeof ReviewerState.State;

/**
 * Reviewer specialist: deterministic rule checks on the evidence (citations, action
 * outcomes, duplicates, policy backing), then the model's judgment against the acceptance
 * criteria. A failed rule check always means "revise".
 * @example const graph = createReviewerGraph({ models });
 */
export function createReviewerGraph(dependencies: Pick<GraphDependencies, 'models' | 'checkpointer' | 'store' | 'audit' | 'reviewChecks'>) {
  function check(state: State) {
    const checks = runRuleChecks({
      task: state.task,
      answer: state.evidence.answer,
      summary: state.evidence.summary,
      citations: state.evidence.citations,
      actions: state.evidence.actions,
    }, dependencies.reviewChecks);
    return { checks };
  }

  async function judge(state: State, config: LangGraphRunnableConfig) {
    const messages = buildReviewerMessages({
      task: state.task,
      acceptanceCriteria: state.acceptanceCriteria,
      evidence: evidenceForModel(state.evidence),
      checks: state.checks,
    });
    const failedChecks = state.checks.filter((ruleCheck) => !ruleCheck.passed);
    const modelFor = (attempt: number) => selectModel(dependencies.models, 'reviewer', chooseModelTier({ step: 'review', attempt, failedChecks: failedChecks.length > 0 }));
    const answer = await requestVerdict(modelFor, messages, { config, audit: dependencies.audit });
    const missing = 'problem' in answer ? `the reviewer model gave no valid verdict (${answer.problem})` : undefined;
    // Each reason once, in the reasons only: the summary does not repeat them, and a model that
    // restates a failed check in its own reasons (as models do) does not list it a second time.
    const restates = (reason: string) => failedChecks.some((ruleCheck) => normalise(ruleCheck.detail) !== '' && normalise(reason).includes(normalise(ruleCheck.detail)));
    const reasons = [...new Set([
      ...failedChecks.map((ruleCheck) => `${ruleCheck.name}: ${ruleCheck.detail}`),
      ...('verdict' in answer ? answer.verdict.reasons.filter((reason) => !restates(reason)) : [missing!]),
    ])];
    const accepted = failedChecks.length === 0 && 'verdict' in answer && answer.verdict.verdict === 'accept';
    await recordAudit(dependencies.audit, config, 'review.verdict', { task: state.task, accepted, reasons, checks: state.checks });
    // A failed rule check is a finding, so it sends the work back even without the model's verdict.
    const outcome = accepted ? 'accepted' : missing && failedChecks.length === 0 ? 'failed' : 'revise';
    const report: SpecialistReport = {
      outcome,
      summary: outcome === 'accepted' ? 'Accepted.' : outcome === 'failed' ? 'The review could not be completed.' : 'Sent back for revision.',
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

/**
 * The evidence as the reviewer model reads it: each citation by its label with the start of its
 * passage, each action by what was called and how it ended, and the results of changes only
 * (the records reads returned are behind the summary and the rule checks). The rule checks run
 * on the whole evidence; the full version was most of the reviewer's prompt.
 */
function evidenceForModel(evidence: State['evidence']) {
  return {
    ...(evidence.answer ? { answer: evidence.answer } : {}),
    ...(evidence.summary ? { summary: evidence.summary } : {}),
    citations: evidence.citations.map((citation) => ({ label: `${citation.documentId}#${citation.chunkIndex}`, quote: citation.quote?.slice(0, 400) })),
    actions: evidence.actions.map((action) => ({
      tool: action.tool,
      args: action.args,
      status: action.status,
      ...(action.message ? { message: action.message } : {}),
      ...(action.risk !== 'read' && action.result !== undefined ? { result: action.result } : {}),
    })),
  };
}

const normalise = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').replace(/[.\s]+$/, '').trim();
