import { AppError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import type { Caller } from '../app-env.ts';
import { authUserOf, equalitiesOf, matchesAuthFilters, type CustomAuth } from '../custom-auth/index.ts';
import type { AssistantTool } from './list-assistant-tools.ts';

/**
 * langgraph.json's authorization handlers over MCP, as they apply to the routes a tool call
 * stands for: `tools/list` is `assistants:search` (its filters hide assistants), `tools/call` on
 * a thread is `threads:create_run` (an existing thread its filters hide is not found) and, for the
 * thread it creates, `threads:create` (whose value and filters are stamped on the new thread).
 */
export interface AssistantCallAuthorization {
  visible(tools: AssistantTool[]): Promise<AssistantTool[]>;
  /** Before the run: refuses (403/404) or returns the metadata to stamp on a thread the run creates. */
  beforeRun(input: { tool: AssistantTool; threadId?: string; creates: boolean; input: unknown }): Promise<Record<string, unknown>>;
}

/** Without handlers, everything the scopes allow. */
const unrestricted: AssistantCallAuthorization = { visible: async (tools) => tools, beforeRun: async () => ({}) };

export function createAssistantCallAuthorization(services: Services, caller: Caller, customAuth: CustomAuth | undefined): AssistantCallAuthorization {
  if (!customAuth) return unrestricted;
  const ask = (request: { resource: 'threads' | 'assistants'; action: string; value: Record<string, unknown> }) =>
    customAuth.authorize({ ...request, user: authUserOf(caller) });
  return {
    async visible(tools) {
      const { filters } = await ask({ resource: 'assistants', action: 'search', value: {} });
      return tools.filter((tool) => matchesAuthFilters(tool.assistant.metadata, filters));
    },
    async beforeRun({ tool, threadId, creates, input }) {
      const value = { assistant_id: tool.assistant.assistant_id, input, ...(threadId === undefined ? {} : { thread_id: threadId }) };
      const { filters } = await ask({ resource: 'threads', action: 'create_run', value });
      if (threadId === undefined) return {};
      if (!creates) {
        const thread = await services.repository.getThread(caller.tenantId, threadId);
        if (thread && !matchesAuthFilters(thread.metadata, filters)) throw new AppError('NOT_FOUND', `Thread ${threadId} not found`);
        return {};
      }
      const created = await ask({ resource: 'threads', action: 'create', value: { thread_id: threadId, metadata: {} } });
      const metadata = created.value.metadata;
      return { ...(typeof metadata === 'object' && metadata !== null ? metadata : {}), ...equalitiesOf(created.filters), ...equalitiesOf(filters) };
    },
  };
}
