import type { OfflineDomainPlanner } from '../../contracts/index.ts';
import type { ModelsByRole } from '../models-by-role.ts';
import { offlineAnswerPolicy } from './offline-answerer.ts';
import { OfflineChatModel } from './offline-chat-model.ts';
import { createOfflineExecutorPolicy } from './offline-executor.ts';
import { offlineReviewerPolicy } from './offline-reviewer.ts';
import { withRevision } from './offline-reviser.ts';
import { createOfflineRouterPolicy } from './offline-router.ts';

export interface OfflineModelOptions {
  /** The domain's plain requests the offline router and executor act on; without it, only explicit tool calls. */
  planner?: OfflineDomainPlanner;
}

/**
 * One offline model per role, each with its deterministic policy.
 * @example const models = createOfflineModels({ planner: domain.offlinePlanner });
 */
export function createOfflineModels(options: OfflineModelOptions = {}): ModelsByRole {
  return {
    supervisor: new OfflineChatModel({ role: 'supervisor', policy: withRevision(createOfflineRouterPolicy(options.planner)) }),
    retriever: new OfflineChatModel({ role: 'retriever', policy: offlineAnswerPolicy }),
    executor: new OfflineChatModel({ role: 'executor', policy: createOfflineExecutorPolicy(options.planner) }),
    reviewer: new OfflineChatModel({ role: 'reviewer', policy: offlineReviewerPolicy }),
  };
}
