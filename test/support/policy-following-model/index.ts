import type { ChatBehaviour, ChatCompletionRequest } from '../openai-compatible-server.ts';
import { answer } from './answer.ts';
import { execute, type ExecutorQuirks } from './execute.ts';
import { review } from './review.ts';
import { route, type RouterQuirks } from './route.ts';

export interface PolicyFollowingQuirks {
  router?: RouterQuirks;
  executor?: ExecutorQuirks;
}

/**
 * A deterministic stand-in for a competent model, reading each Chat Completions request as
 * one would: whatever role it plays follows from the request alone (the tools offered, what
 * `tool_choice` forces, the messages), not from the test. Handoff tools offered: it routes;
 * a verdict tool: it reviews; other tools: it executes; none: it answers from the passages.
 * So it exercises our prompts and tool schemas the way a real model does, and a prompt or
 * schema a competent model cannot follow makes it fail. Quirks add one misbehaviour each,
 * for the cases about misbehaving models.
 * @example
 * const model = await startOpenAICompatibleServer();
 * model.otherwise('*', createPolicyFollowingModel());
 */
export function createPolicyFollowingModel(quirks: PolicyFollowingQuirks = {}): (request: ChatCompletionRequest) => ChatBehaviour {
  return (request) => {
    const names = (request.tools ?? []).map((tool) => tool.function.name);
    if (names.some((name) => name.startsWith('handoff_to_'))) return route(request, quirks.router);
    const forced = (request.tool_choice as { function?: { name?: string } } | undefined)?.function?.name;
    if (forced !== undefined || (names.length === 1 && /verdict/.test(names[0]!))) return review(request);
    if (names.length > 0) return execute(request, quirks.executor);
    return answer(request);
  };
}

export type { RouterQuirks, ExecutorQuirks };
