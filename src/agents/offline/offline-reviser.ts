import { withoutSentences } from '../check-grounding.ts';
import { readRevisionPrompt } from '../prompts/revision-prompt.ts';
import type { OfflinePolicy } from './offline-chat-model.ts';

/**
 * Offline revision of an answer that failed the grounding check: the sentences with a problem
 * are dropped, nothing is rewritten. What is left is grounded, or empty.
 */
export const offlineRevisionPolicy: OfflinePolicy = ({ messages }) => {
  const request = readRevisionPrompt(messages);
  if (!request) return { content: '' };
  return { content: withoutSentences(request.answer, request.problems.map((problem) => problem.sentence)) };
};

/** The supervisor's offline policy: revise when asked to, route otherwise. */
export function withRevision(route: OfflinePolicy): OfflinePolicy {
  return (input) => (readRevisionPrompt(input.messages) ? offlineRevisionPolicy(input) : route(input));
}
