import type { ModelsByRole } from '../models-by-role.ts';
import { offlineAnswerPolicy } from './offline-answerer.ts';
import { OfflineChatModel } from './offline-chat-model.ts';
import { offlineExecutorPolicy } from './offline-executor.ts';
import { offlineReviewerPolicy } from './offline-reviewer.ts';
import { withRevision } from './offline-reviser.ts';
import { offlineRouterPolicy } from './offline-router.ts';

/** One offline model per role, each with its deterministic policy. */
export function createOfflineModels(): ModelsByRole {
  return {
    supervisor: new OfflineChatModel({ role: 'supervisor', policy: withRevision(offlineRouterPolicy) }),
    retriever: new OfflineChatModel({ role: 'retriever', policy: offlineAnswerPolicy }),
    executor: new OfflineChatModel({ role: 'executor', policy: offlineExecutorPolicy }),
    reviewer: new OfflineChatModel({ role: 'reviewer', policy: offlineReviewerPolicy }),
  };
}
