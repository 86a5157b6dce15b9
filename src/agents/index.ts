export { createModels } from './create-models.ts';
export type { ModelsByRole } from './models-by-role.ts';
export { createOfflineModels } from './offline/create-offline-models.ts';
export { OfflineChatModel, type OfflinePolicy, type OfflineDecision } from './offline/offline-chat-model.ts';
export { ScriptedChatModel, type ScriptedReply, type ScriptedStep, type RecordedCall } from './scripted-chat-model.ts';
export type { BoundTool } from './bound-tool.ts';
export * from './prompts/index.ts';
export { overlapScore, tokenize } from './text-similarity.ts';
export { runRuleChecks, type ReviewSubject } from './rule-checks.ts';
