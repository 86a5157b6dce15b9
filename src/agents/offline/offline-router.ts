import type { OfflineDomainPlanner, SpecialistName } from '../../contracts/index.ts';
import { readRouterTrail, type RouterTrail } from '../prompts/router-prompt.ts';
import type { OfflinePolicy } from './offline-chat-model.ts';

// Words that make an action depend on policy: look the policy up before acting. A request that
// names a policy ("as the VIP goodwill policy says") is checked against what the policies say.
const policyGrounds = /\b(because|since|due to|as per|polic(?:y|ies)|according to|eligible|entitled|late|delayed|damaged|defect\w*)\b/i;

/** Below this best retrieval score the knowledge base is taken not to cover a question. */
export const coverageThreshold = 0.3;

const defaultCriteria: Record<SpecialistName, string[]> = {
  retriever: ['Every claim cites a knowledge-base passage', 'Say so plainly if the knowledge base does not cover it'],
  executor: ['Only the requested action is taken', 'Amounts and identifiers come from tool results'],
  reviewer: ['The result is supported by cited policy', 'Every action taken is allowed by that policy'],
};

/**
 * Offline routing: the domain's planner says whether the request asks for an action; the
 * rest follows the house order — policy before action, review after action.
 * @example const policy = createOfflineRouterPolicy(brightcartOfflinePlanner);
 */
export function createOfflineRouterPolicy(planner?: OfflineDomainPlanner): OfflinePolicy {
  return ({ messages, tools }) => {
    const trail = readRouterTrail(messages);
    const descriptions = new Map(
      tools
        .filter((tool) => tool.name.startsWith('handoff_to_'))
        .map((tool) => [tool.name.slice('handoff_to_'.length) as SpecialistName, tool.description]),
    );
    const isAction = (request: string) => descriptions.has('executor') && (planner?.recognises(request) ?? false);
    const next = nextSpecialist(trail, descriptions, isAction);
    if (!next) return { content: composeFinalAnswer(trail) };
    return {
      content: '',
      toolCalls: [{ name: `handoff_to_${next.specialist}`, args: next.args }],
    };
  };
}

function nextSpecialist(
  trail: RouterTrail,
  descriptions: Map<SpecialistName, string>,
  isAction: (request: string) => boolean,
): { specialist: SpecialistName; args: Record<string, unknown> } | undefined {
  const { request, steps } = trail;
  const last = steps.at(-1);
  const context = steps.map((step) => `${step.specialist} (${step.outcome}): ${step.summary}`).join('\n');
  if (last?.specialist === 'reviewer' && last.outcome === 'revise') {
    const reviewed = steps.findLast((step) => step.specialist !== 'reviewer');
    const revisions = steps.filter((step) => step.specialist === 'reviewer' && step.outcome === 'revise').length;
    if (!reviewed || revisions > 1 || reviewed.specialist === 'executor') return undefined;
    return handoff(reviewed.specialist, request, `${context}\nReviewer asked for: ${last.reasons.join('; ')}`);
  }
  for (const specialist of plan(request, descriptions, isAction, trail.coverage)) {
    const done = steps.find((step) => step.specialist === specialist);
    if (done) continue;
    if (specialist === 'reviewer' && !worthReviewing(steps)) return undefined;
    const task = specialist === 'retriever' && isAction(request)
      ? `Find the policy that governs this request: ${request}`
      : specialist === 'reviewer'
        ? `Review the result of this request: ${request}`
        : request;
    return handoff(specialist, task, context);
  }
  return undefined;
}

function handoff(specialist: SpecialistName, task: string, context: string) {
  return { specialist, args: { task, acceptanceCriteria: defaultCriteria[specialist], context } };
}

function plan(
  request: string,
  descriptions: Map<SpecialistName, string>,
  isAction: (request: string) => boolean,
  coverage?: RouterTrail['coverage'],
): SpecialistName[] {
  // A question the knowledge base does not cover (by retrieval score, not words) needs no hop.
  const uncovered = coverage !== undefined && coverage.topScore < coverageThreshold;
  const ordered: SpecialistName[] = isAction(request)
    ? [...(policyGrounds.test(request) ? (['retriever'] as const) : []), 'executor', 'reviewer']
    : uncovered
      ? []
      : ['retriever', 'reviewer'];
  return ordered.filter((specialist) => descriptions.has(specialist));
}

function worthReviewing(steps: RouterTrail['steps']): boolean {
  const last = steps.at(-1);
  if (!last) return false;
  if (last.specialist === 'retriever') return last.outcome === 'answered';
  return last.specialist === 'executor' && last.outcome === 'completed';
}

/** The final answer is assembled from what the specialists reported, never invented. */
function composeFinalAnswer(trail: RouterTrail): string {
  const { steps, coverage } = trail;
  if (steps.length === 0) {
    return coverage && coverage.topScore < coverageThreshold
      ? `I'm sorry, the knowledge base does not cover this (its best match scored ${coverage.topScore.toFixed(2)}), so I can't answer it reliably.`
      : 'I could not route this request to any specialist.';
  }
  const retrieval = steps.findLast((step) => step.specialist === 'retriever');
  const execution = steps.findLast((step) => step.specialist === 'executor');
  const review = steps.findLast((step) => step.specialist === 'reviewer');
  const parts: string[] = [];
  if (execution) {
    parts.push(execution.summary);
    if (retrieval?.outcome === 'answered') parts.push(`Policy basis: ${retrieval.summary}`);
  } else if (retrieval) {
    // The retriever's own "not covered" is not said a second time.
    const said = retrieval.outcome === 'answered' || /does not cover|not covered/i.test(retrieval.summary) ? '' : ` ${retrieval.summary}`;
    parts.push(retrieval.outcome === 'answered' ? retrieval.summary : `I'm sorry, the knowledge base does not cover this, so I can't answer it reliably.${said}`);
  }
  if (review) {
    parts.push(
      review.outcome === 'accepted'
        ? 'Reviewed: accepted.'
        : `Reviewer concerns: ${review.reasons.join('; ') || review.summary}`,
    );
  }
  return parts.join('\n\n');
}
