import { afterEach, beforeEach } from 'vitest';
import { reply, startOpenAICompatibleServer, type ChatBehaviour, type ChatCompletionRequest, type OpenAICompatibleServer } from './openai-compatible-server.ts';
import { createPolicyFollowingModel, type PolicyFollowingQuirks } from './policy-following-model/index.ts';
import { startTestServer, type TestServer } from './test-server.ts';

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

export interface OpenAIService {
  /** This test's stand-in, a new one for every test, scripted before or after `start`. */
  readonly model: OpenAICompatibleServer;
  /** The service `start` started in this test; throws before that. */
  readonly service: TestServer;
  /** Start the service on the stand-in (`openAIEnvironment` and then `environment`); closed after the test. */
  start(environment?: Record<string, string>): Promise<{ model: OpenAICompatibleServer; service: TestServer }>;
}

/**
 * A suite of service tests on the `openai` provider: registers `beforeEach` (a fresh stand-in)
 * and `afterEach` (the test's service, then the stand-in, closed) where it is called.
 * @example
 * const openAI = useOpenAIService();
 * it('answers', async () => {
 *   const { model, service } = await openAI.start({ MODEL_MAX_RETRIES: '0' });
 *   model.script('router', reply.text('Hello.'));
 * });
 */
export function useOpenAIService(): OpenAIService {
  let model: OpenAICompatibleServer | undefined;
  let service: TestServer | undefined;
  beforeEach(async () => {
    model = await startOpenAICompatibleServer();
  });
  afterEach(async () => {
    await service?.close();
    service = undefined;
    await model?.close();
    model = undefined;
  });
  const current = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useOpenAIService: no ${what} in this test yet`);
    return value;
  };
  return {
    get model() {
      return current(model, 'stand-in (only inside a test)');
    },
    get service() {
      return current(service, 'service (call start first)');
    },
    async start(environment = {}) {
      const stand = current(model, 'stand-in (only inside a test)');
      service = await startTestServer({ ...openAIEnvironment(stand), ...environment });
      return { model: stand, service };
    },
  };
}

export interface PolicyFollowingServer extends OpenAICompatibleServer {
  /** `openAIEnvironment` for this server. */
  environment: Record<string, string>;
  /** Play the model with these quirks from now on (none: a competent model). */
  behave(quirks?: PolicyFollowingQuirks): void;
}

/**
 * The stand-in playing a competent model in every role (see `createPolicyFollowingModel`),
 * for a scenario suite on the `openai` provider.
 * @example
 * const model = await startPolicyFollowingModel();
 * const harness = await createTestHarness(model.environment);
 */
export async function startPolicyFollowingModel(quirks: PolicyFollowingQuirks = {}): Promise<PolicyFollowingServer> {
  const server = await startOpenAICompatibleServer();
  const behave = (next: PolicyFollowingQuirks = {}) => server.otherwise('*', createPolicyFollowingModel(next));
  behave(quirks);
  return Object.assign(server, { environment: openAIEnvironment(server), behave });
}

/**
 * What every request the service sent must look like, whatever the scenario: each role offered
 * only the tools it can use (router: the handoffs; answerer: none; executor: domain tools, no
 * handoff or verdict; reviewer: the verdict alone), no `$schema` in any parameters, and every
 * assistant tool call answered (the stand-in refuses otherwise, so nothing went unscripted).
 */
export function expectCleanRequests(server: OpenAICompatibleServer): void {
  const problems: string[] = [];
  for (const request of server.chatRequests()) {
    const names = (request.tools ?? []).map((tool) => tool.function.name);
    const handoffs = names.filter((name) => name.startsWith('handoff_to_'));
    const verdicts = names.filter((name) => name === 'submit_verdict');
    const role = handoffs.length > 0 ? 'router' : verdicts.length > 0 ? 'reviewer' : names.length > 0 ? 'executor' : 'answerer';
    const expected: Record<string, string[]> = { router: ['supervisor', 'router'], reviewer: ['reviewer'], executor: ['executor'], answerer: ['answerer', 'retriever'] };
    if (!expected[role]!.some((name) => request.model.includes(name))) problems.push(`${request.model} was sent the tools of the ${role}: ${names.join(', ')}`);
    if (role === 'router' && handoffs.length !== names.length) problems.push(`router offered ${names.join(', ')}`);
    if (role === 'reviewer' && names.length !== 1) problems.push(`reviewer offered ${names.join(', ')}`);
    if (JSON.stringify(request.tools ?? []).includes('$schema')) problems.push(`${request.model}: a tool's parameters carry $schema`);
  }
  if (server.unscripted.length > 0) problems.push(`unscripted: ${server.unscripted.join(', ')}`);
  const refused = server.requests.filter((request) => request.path === '/v1/chat/completions' && request.behaviour === undefined);
  if (refused.length > 0) problems.push(`${refused.length} chat requests refused by the stand-in`);
  if (problems.length > 0) throw new Error(`requests to the model:\n${problems.join('\n')}`);
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

/**
 * Answers the late-refund window from the passage that states it, citing that passage's label,
 * as a grounded model does; says the knowledge base does not cover it when no passage it was
 * sent states it.
 */
export const citeRefundWindow = (request: ChatCompletionRequest): ChatBehaviour => {
  const prompt = textOf(request.messages.at(-1)?.content);
  const passages = prompt.split(/\n(?=\[[^\]#\s]+#\d+\])/).filter((block) => /^\[[^\]#\s]+#\d+\]/.test(block));
  const stating = passages.find((block) => /within \**30 days of delivery/.test(block));
  if (!stating) return reply.text('The knowledge base does not cover this.');
  const label = /^\[[^\]#\s]+#\d+\]/.exec(stating)![0];
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
