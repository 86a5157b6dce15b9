import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import {
  buildRevisionMessages,
  checkGrounding,
  isModelFailure,
  messageText,
  withoutSentences,
  type GroundingEvidence,
  type GroundingProblem,
  type ModelTier,
} from '../agents/index.ts';
import type { AuditLog } from '../observability/index.ts';
import { isBudgetExhausted } from '../limits/index.ts';
import { callModel } from './call-model.ts';
import type { Step } from '../contracts/index.ts';
import { recordAudit } from './record-audit.ts';
import type { RunResult } from './state.ts';

const withheld = 'I could not confirm this answer against the policies and records found for your request, so I am not giving it. Please ask again or contact a support agent.';

/** Everything a run found out, from its steps: passages read, passages cited, tool results. */
export function groundingEvidenceOf(steps: Step[]): GroundingEvidence {
  const actions = steps.flatMap((step) => step.actions);
  return {
    retrieved: steps.flatMap((step) => step.passages ?? []),
    cited: steps.flatMap((step) => step.citations),
    // What the tools and the policy rules returned; the proposal's own arguments are not evidence.
    toolResults: actions.flatMap((action) => [
      action.result,
      action.message,
      action.review ? { rules: action.review.rules, facts: action.review.facts } : undefined,
      action.postCheck,
    ]).filter((value) => value !== undefined),
  };
}

/**
 * The finish-time grounding check, run on every final answer whether or not any reviewer ran.
 * An answer with an unresolved citation or an unsupported number is revised once by the
 * supervisor model (the offline model drops the sentences); if the revision still fails, what
 * is grounded of it goes out as `partial` with the problems as the reason.
 * @example const result = await groundAnswer(state.result, state.steps, { model: models.supervisor, config, audit });
 */
export async function groundAnswer(
  result: RunResult,
  steps: Step[],
  context: { model: BaseChatModel; config: LangGraphRunnableConfig; audit?: AuditLog; tier?: { tier: ModelTier; reason: string } },
): Promise<RunResult> {
  const evidence = groundingEvidenceOf(steps);
  const setAside = [...new Set(evidence.retrieved.filter((passage) => passage.setAside).map((passage) => `${passage.documentId}#${passage.chunkIndex} ${passage.setAside}`))];
  const problems = checkGrounding(result.answer, evidence);
  if (problems.length === 0) return setAside.length > 0 ? { ...result, grounding: { problems: [], revised: false, setAside } } : result;
  const { messageId: _replaced, ...rest } = result;
  if (result.status === 'partial') {
    // A partial answer is assembled from the reports by code and already says why it stopped:
    // what a report claimed without ground is dropped from it, the reason stays the stopping one.
    const grounding = { problems: problems.map(describeProblem), revised: false, setAside };
    await recordAudit(context.audit, context.config, 'answer.grounding', { ...grounding, outcome: 'dropped' });
    return { ...rest, answer: withoutSentences(result.answer, problems.map((problem) => problem.sentence)) || withheld, grounding };
  }

  const revised = await revise(result.answer, problems, evidence, context);
  const remaining = revised ? checkGrounding(revised, evidence) : problems;
  const grounding = { problems: problems.map(describeProblem), revised: revised !== undefined, setAside };
  if (revised && remaining.length === 0) {
    await recordAudit(context.audit, context.config, 'answer.grounding', { ...grounding, outcome: 'revised' });
    // A new text is a new message: the one streamed under the old id said something else.
    return { ...rest, answer: revised, grounding };
  }
  const kept = withoutSentences(revised ?? result.answer, remaining.map((problem) => problem.sentence)).trim();
  const fallback = kept || groundedRetrieval(steps, evidence) || withheld;
  const reason = `the answer is not grounded in what this run found: ${[...new Set(remaining.map(describeProblem))].join('; ')}`;
  await recordAudit(context.audit, context.config, 'answer.grounding', { ...grounding, outcome: 'partial', remaining: remaining.map(describeProblem) });
  return { ...rest, status: 'partial', answer: fallback, reason: result.reason ? `${result.reason}; ${reason}` : reason, grounding };
}

async function revise(
  answer: string,
  problems: GroundingProblem[],
  evidence: GroundingEvidence,
  context: { model: BaseChatModel; config: LangGraphRunnableConfig; audit?: AuditLog; tier?: { tier: ModelTier; reason: string } },
): Promise<string | undefined> {
  const messages = buildRevisionMessages({
    answer,
    problems,
    passages: evidence.retrieved.filter((passage) => !passage.setAside).map((passage) => ({ label: `[${passage.documentId}#${passage.chunkIndex}]`, text: passage.text })),
    toolResults: evidence.toolResults.map((result) => (typeof result === 'string' ? result : JSON.stringify(result))),
  });
  try {
    // Not streamed: the customer sees the answer that passes, as the final message.
    const config = { ...context.config, tags: [...(context.config.tags ?? []), 'nostream'] };
    const text = messageText(await callModel(context.model, messages, { role: 'supervisor', config, audit: context.audit, tier: context.tier })).trim();
    return text || undefined;
  } catch (error) {
    // Without a revision the grounded part of the first answer still goes out, as partial.
    if (isModelFailure(error) || isBudgetExhausted(error)) return undefined;
    throw error;
  }
}

/** The last retriever answer, when it passes the check on its own: grounded text the customer can still be given. */
function groundedRetrieval(steps: Step[], evidence: GroundingEvidence): string | undefined {
  const answer = steps.findLast((step) => step.specialist === 'retriever' && step.outcome === 'answered')?.summary;
  return answer && checkGrounding(answer, evidence).length === 0 ? answer : undefined;
}

const describeProblem = (problem: GroundingProblem): string => problem.detail;
