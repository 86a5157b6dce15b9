import { reply, type ChatBehaviour, type ChatCompletionRequest, type OpenAICompatibleServer } from './openai-compatible-server.ts';

/**
 * What the scenario suites on the `openai` provider share: the environment that points the
 * service at the stand-in (one model name per role, so each role has its own script), and
 * the replies a well-behaved model gives.
 */
export function openAIEnvironment(server: OpenAICompatibleServer): Record<string, string> {
  return {
    MODEL_PROVIDER: 'openai',
    OPENAI_BASE_URL: server.baseUrl,
    OPENAI_API_KEY: 'test',
    MODEL_SUPERVISOR: 'router',
    MODEL_RETRIEVER: 'answerer',
    MODEL_EXECUTOR: 'executor',
    MODEL_REVIEWER: 'reviewer',
    // Fast tests: one retry, short timeouts.
    MODEL_MAX_RETRIES: '1',
    MODEL_TIMEOUT_MS: '5000',
  };
}

export interface FinalState {
  messages: Array<{ type: string; content: string; id?: string }>;
  steps: Array<{
    specialist: string;
    outcome: string;
    summary: string;
    reasons: string[];
    citations: Array<{ documentId: string; chunkIndex: number }>;
    actions: Array<{ tool: string; status: string; message?: string }>;
  }>;
  result: { status: string; answer: string; reason?: string; error?: { code: string; message: string } };
}

/** A handoff tool call as a router model sends it. */
export const handoff = (specialist: string, task: string, acceptanceCriteria: string[] = ['Be correct']): ChatBehaviour =>
  reply.toolCall(`handoff_to_${specialist}`, { task, acceptanceCriteria, context: '' });

const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((part) => (typeof part === 'string' ? part : ((part as { text?: string }).text ?? ''))).join('')
      : '';

/** Answers from the first passage it was sent, citing its label, as a grounded model does. */
export const citeFirstPassage = (request: ChatCompletionRequest): ChatBehaviour => {
  const prompt = textOf(request.messages.at(-1)?.content);
  const label = /\[[^\]#\s]+#\d+\]/.exec(prompt)?.[0] ?? '';
  return reply.text(`Orders delivered late can be refunded in full within 30 days of delivery ${label}.`);
};

/** The specialists' reports the router was sent, as tool messages. */
export function routerSees(request: ChatCompletionRequest): { outcomes: string[]; citations: string[]; reports: Array<Record<string, unknown>> } {
  const reports = request.messages
    .filter((message) => message.role === 'tool')
    .map((message) => {
      try {
        return JSON.parse(textOf(message.content)) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
  return {
    reports,
    outcomes: reports.map((report) => String(report.outcome)),
    citations: reports.flatMap((report) => (Array.isArray(report.citations) ? (report.citations as string[]) : [])),
  };
}
