/**
 * The OpenTelemetry GenAI semantic-convention names Overseer's spans use. They are copied
 * here rather than imported from `@opentelemetry/semantic-conventions/incubating`, as that
 * package advises for experimental names (they may move between its minor versions).
 */
export const genAiAttributes = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  /** Deprecated by `gen_ai.provider.name` after v1.36.0; emitted next to it unless the latest conventions are asked for. */
  system: 'gen_ai.system',
  agentName: 'gen_ai.agent.name',
  agentId: 'gen_ai.agent.id',
  agentDescription: 'gen_ai.agent.description',
  conversationId: 'gen_ai.conversation.id',
  dataSourceId: 'gen_ai.data_source.id',
  requestModel: 'gen_ai.request.model',
  requestTemperature: 'gen_ai.request.temperature',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  usageReasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  toolDescription: 'gen_ai.tool.description',
  /** Opt-in content (`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`). */
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  systemInstructions: 'gen_ai.system_instructions',
  retrievalQueryText: 'gen_ai.retrieval.query.text',
  retrievalDocuments: 'gen_ai.retrieval.documents',
  errorType: 'error.type',
} as const;

/** `gen_ai.operation.name` values. */
export const genAiOperations = {
  invokeAgent: 'invoke_agent',
  chat: 'chat',
  executeTool: 'execute_tool',
  retrieval: 'retrieval',
} as const;

/** Overseer's own attributes, where the conventions have no name (guard outcomes, tenancy, runs). */
export const overseerAttributes = {
  tenant: 'overseer.tenant',
  runId: 'overseer.run.id',
  runAttempt: 'overseer.run.attempt',
  runStatus: 'overseer.run.status',
  agentRole: 'overseer.agent.role',
  toolRisk: 'overseer.tool.risk',
  /** What the guard chain decided: allowed, refused or held_for_approval. */
  toolGuard: 'overseer.tool.guard',
  /** How the call ended: executed, replayed, refused, held_for_approval, invalid, failed, in_doubt, unavailable, deferred. */
  toolOutcome: 'overseer.tool.outcome',
  /** The approval request a held call was resumed with (on the `execute_tool` span of the resumed run). */
  approvalId: 'overseer.approval.id',
  /** The person's decision (approve, edit, reject), or the request's status when it has none (expired, superseded, orphaned, pending). */
  approvalDecision: 'overseer.approval.decision',
  /** Who decided: the principal the audit names (an API key's name, a token's subject). */
  approvalApprover: 'overseer.approval.approver',
  /** Seconds from the request to its decision. */
  approvalDecisionSeconds: 'overseer.approval.decision_seconds',
  /** The budget that stopped the run (run_tokens, run_cost_usd, daily_tokens, daily_cost_usd), on its `invoke_agent` span. */
  budgetExhausted: 'overseer.budget.exhausted',
  usageEstimated: 'overseer.usage.estimated',
  retrievalHits: 'overseer.retrieval.hits',
  retrievalTopScore: 'overseer.retrieval.top_score',
} as const;
