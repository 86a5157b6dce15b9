import { readReviewerChecks, verdictToolName } from '../prompts/reviewer-prompt.ts';
import type { OfflinePolicy } from './offline-chat-model.ts';

/** Offline review is the rule checks alone: accept when every check passed. */
export const offlineReviewerPolicy: OfflinePolicy = ({ messages }) => {
  const checks = readReviewerChecks(messages);
  const failed = checks.filter((check) => !check.passed);
  return {
    content: '',
    toolCalls: [
      {
        name: verdictToolName,
        args: {
          verdict: failed.length === 0 ? 'accept' : 'revise',
          reasons: failed.length === 0 ? checks.map((check) => check.detail) : failed.map((check) => check.detail),
        },
      },
    ],
  };
};
