/**
 * Prompt tokens of one 6-turn support conversation (a policy question, an order lookup, a
 * refund under the approval threshold, a follow-up question, a late-credit check, another
 * policy question), through the same OpenAI-compatible stand-in playing the same competent
 * model (bench/support/support-conversation-model.ts), for Overseer (the real services and
 * Hono app on the `openai` provider, one thread) and for `@langchain/langgraph-supervisor` with
 * three `createReactAgent` workers given the same tools, the same knowledge base and Overseer's
 * own prompts. Side by side in one run: prompt tokens per turn as the stand-in counts them
 * (words of the request's messages and tool definitions, the same rule for both), where
 * Overseer's go (system prompts, tool definitions, the rest), and the share of model calls on
 * each system's routine model.
 *
 *   npm run bench:prompt-tokens
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HumanMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { MemorySaver } from '@langchain/langgraph';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { createSupervisor } from '@langchain/langgraph-supervisor';
import { ChatOpenAI } from '@langchain/openai';
import { executorSystemPrompt, retrieverSystemPrompt, reviewerSystemPrompt, routerSystemPrompt, verdictToolName } from '../src/agents/index.ts';
import { verdictSchema } from '../src/graphs/verdict-tool.ts';
import { loadConfig } from '../src/config.ts';
import { ordersReferenceDate } from '../src/domains/brightcart/index.ts';
import { createApp } from '../src/http/index.ts';
import { createServices, type Services } from '../src/services.ts';
import { startOpenAICompatibleServer, type OpenAICompatibleServer, type RecordedRequest } from '../test/support/openai-compatible-server.ts';
import { createSupportConversationModel, searchToolName, workerNames } from './support/support-conversation-model.ts';

const conversation = [
  'What is your refund policy for damaged items?',
  'Can you look up order 1275 for me?',
  'Please refund $20.00 on order 1275, the lamp arrived damaged.',
  'How long does a refund take to show up on my card?',
  'Is order 1275 owed store credit for a late delivery?',
  'Thanks. Can I still cancel an order after it has shipped?',
];

interface Turn {
  calls: number;
  promptTokens: number;
  routineCalls: number;
}

const wordsOf = (text: string) => (text.match(/\S+/g) ?? []).length;

function turnOf(requests: RecordedRequest[], isRoutine: (model: string) => boolean): Turn {
  const chats = requests.filter((request) => request.path === '/v1/chat/completions');
  return {
    calls: chats.length,
    promptTokens: chats.reduce((sum, request) => sum + (request.usage?.prompt_tokens ?? 0), 0),
    routineCalls: chats.filter((request) => isRoutine(String(request.body.model))).length,
  };
}

/** Where Overseer's prompt tokens go, by the stand-in's rule: system messages, tool definitions, everything else. */
function breakdownOf(requests: RecordedRequest[]) {
  const parts = { system: 0, tools: 0, rest: 0 };
  for (const request of requests.filter((entry) => entry.path === '/v1/chat/completions')) {
    const body = request.body as { messages?: Array<{ role: string }>; tools?: unknown[] };
    const messages = body.messages ?? [];
    const system = wordsOf(JSON.stringify(messages.filter((message) => message.role === 'system')));
    parts.system += system;
    parts.tools += wordsOf(JSON.stringify(body.tools ?? []));
    parts.rest += (request.usage?.prompt_tokens ?? 0) - system - wordsOf(JSON.stringify(body.tools ?? []));
  }
  return parts;
}

async function runOverseer(model: OpenAICompatibleServer): Promise<{ turns: Turn[]; breakdown: ReturnType<typeof breakdownOf>; answers: string[] }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'overseer-prompt-tokens-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    MODEL_PROVIDER: 'openai',
    OPENAI_BASE_URL: model.baseUrl,
    OPENAI_API_KEY: 'bench',
    MODEL_SUPERVISOR: 'overseer-router',
    MODEL_RETRIEVER: 'overseer-answerer',
    MODEL_EXECUTOR: 'overseer-executor',
    MODEL_REVIEWER: 'overseer-reviewer',
    MODEL_SUPERVISOR_PREMIUM: 'overseer-router-premium',
    MODEL_RETRIEVER_PREMIUM: 'overseer-answerer-premium',
    MODEL_EXECUTOR_PREMIUM: 'overseer-executor-premium',
    MODEL_REVIEWER_PREMIUM: 'overseer-reviewer-premium',
  });
  const services = await createServices(config, { clock: () => ordersReferenceDate });
  const app = createApp(services);
  const post = async (route: string, body: unknown) => {
    const response = await app.request(route, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  try {
    const thread = (await post('/threads', {})) as { thread_id: string };
    const turns: Turn[] = [];
    const answers: string[] = [];
    const first = model.requests.length;
    for (const message of conversation) {
      const start = model.requests.length;
      const values = (await post(`/threads/${thread.thread_id}/runs/wait`, { assistant_id: 'supervisor', input: { messages: [{ role: 'user', content: message }] } })) as { result?: { answer: string } };
      answers.push(values.result?.answer ?? '');
      turns.push(turnOf(model.requests.slice(start), (name) => !name.endsWith('-premium')));
    }
    return { turns, breakdown: breakdownOf(model.requests.slice(first)), answers };
  } finally {
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Overseer's domain tools as LangChain tools: the same definitions (names, descriptions, JSON schemas), executed directly. */
function libraryTools(services: Services) {
  const context = { tenantId: 'default', idempotencyKey: '' };
  return services.tools.toModelTools().map((modelTool, index) => {
    const definition = services.tools.get(modelTool.function.name)!;
    return tool(async (args: unknown) => {
      const parsed = definition.input.safeParse(args);
      if (!parsed.success) {
        return JSON.stringify({ status: 'invalid', issues: parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(root)', message: issue.message })), message: 'Fix exactly these fields and call again.' });
      }
      try {
        return JSON.stringify({ status: 'ok', result: await definition.execute(parsed.data, { ...context, idempotencyKey: `library-${index}-${Date.now()}-${Math.random()}` }) });
      } catch (error) {
        return JSON.stringify({ status: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
    }, { name: modelTool.function.name, description: modelTool.function.description, schema: modelTool.function.parameters as never });
  });
}

async function runLibrary(model: OpenAICompatibleServer): Promise<{ turns: Turn[]; answers: string[] }> {
  // The same knowledge base and the same order records, from a service of its own.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'supervisor-prompt-tokens-'));
  const services = await createServices(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { clock: () => ordersReferenceDate });
  try {
    const llm = (name: string) => new ChatOpenAI({ model: name, apiKey: 'bench', configuration: { baseURL: model.baseUrl }, temperature: 0, maxRetries: 0 });
    const search = tool(async ({ query }: { query: string }) => {
      // Six passages, as many as Overseer's answerer is given (four hits and two more sections of the best document).
      const hits = await services.retriever.search({ tenantId: 'default', query, limit: 6 });
      return hits.map((hit) => `[${hit.documentId}#${hit.chunkIndex}] ${(hit.headings ?? [hit.title ?? '']).join(' › ')}\n${hit.text}`).join('\n\n') || 'No passage matched.';
    }, {
      name: searchToolName,
      description: 'Search the knowledge base of company policies and help articles; returns passages under their citation labels [document#chunk].',
      schema: { type: 'object', properties: { query: { type: 'string', description: 'What to search for' } }, required: ['query'] } as never,
    });
    const verdict = tool(async (args: unknown) => JSON.stringify({ status: 'ok', recorded: args }), {
      name: verdictToolName,
      description: 'Submit the review verdict: accept, or revise with concrete reasons.',
      schema: verdictSchema,
    });
    const knowledge = createReactAgent({ llm: llm('library-worker'), tools: [search], name: workerNames.ask, prompt: retrieverSystemPrompt, description: 'Answers questions from the knowledge base of company policies and help articles, with citations.' });
    const orders = createReactAgent({ llm: llm('library-worker'), tools: libraryTools(services), name: workerNames.act, prompt: executorSystemPrompt, description: 'Acts on business systems through tools: look up, refund, credit, cancel orders.' });
    const reviewer = createReactAgent({ llm: llm('library-worker'), tools: [verdict], name: workerNames.review, prompt: reviewerSystemPrompt, description: 'Checks an answer or an executed action against the policy, and accepts it or sends it back.' });
    const graph = createSupervisor({ agents: [knowledge, orders, reviewer], llm: llm('library-supervisor'), prompt: routerSystemPrompt }).compile({ checkpointer: new MemorySaver() });
    const turns: Turn[] = [];
    const answers: string[] = [];
    const config = { configurable: { thread_id: 'bench' }, recursionLimit: 60 };
    for (const message of conversation) {
      const start = model.requests.length;
      const state = await graph.invoke({ messages: [new HumanMessage(message)] }, config);
      const last = state.messages.findLast((entry: { getType(): string; content: unknown }) => entry.getType() === 'ai' && typeof entry.content === 'string' && entry.content !== '' && !/^Transferring back/.test(entry.content));
      answers.push(String(last?.content ?? ''));
      // One model serves every agent: there is no routine/premium split to route between.
      turns.push(turnOf(model.requests.slice(start), () => true));
    }
    return { turns, answers };
  } finally {
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const model = await startOpenAICompatibleServer();
model.otherwise('*', createSupportConversationModel());
try {
  const overseer = await runOverseer(model);
  const library = await runLibrary(model);
  const refused = model.requests.filter((request) => request.path === '/v1/chat/completions' && request.behaviour === undefined);
  if (refused.length > 0 || model.unscripted.length > 0) throw new Error(`the stand-in refused ${refused.length} requests: ${JSON.stringify(refused.map((request) => request.body.model))}`);

  const pad = (value: string | number, width: number) => String(value).padStart(width);
  console.log('turn  request                                                      Overseer calls/tokens   supervisor-library calls/tokens');
  conversation.forEach((message, index) => {
    const ours = overseer.turns[index]!;
    const theirs = library.turns[index]!;
    console.log(`${pad(index + 1, 4)}  ${message.slice(0, 58).padEnd(58)} ${pad(ours.calls, 8)} ${pad(ours.promptTokens, 8)}   ${pad(theirs.calls, 14)} ${pad(theirs.promptTokens, 8)}`);
  });
  const total = (turns: Turn[], key: keyof Turn) => turns.reduce((sum, turn) => sum + turn[key], 0);
  const ourTokens = total(overseer.turns, 'promptTokens');
  const theirTokens = total(library.turns, 'promptTokens');
  console.log(`${'total'.padEnd(64)} ${pad(total(overseer.turns, 'calls'), 8)} ${pad(ourTokens, 8)}   ${pad(total(library.turns, 'calls'), 14)} ${pad(theirTokens, 8)}`);
  console.log(`Overseer sent ${((1 - ourTokens / theirTokens) * 100).toFixed(1)}% fewer prompt tokens (target: at least 50% fewer).`);
  const routine = total(overseer.turns, 'routineCalls') / total(overseer.turns, 'calls');
  console.log(`Overseer's model calls on the routine model: ${(routine * 100).toFixed(1)}% (${total(overseer.turns, 'routineCalls')} of ${total(overseer.turns, 'calls')}); the supervisor library: one model for every call.`);
  const { system, tools, rest } = overseer.breakdown;
  const share = (part: number) => `${((part / ourTokens) * 100).toFixed(0)}%`;
  console.log(`Overseer's prompt tokens: system prompts ${system} (${share(system)}), tool definitions ${tools} (${share(tools)}), conversation, tasks, passages and results ${rest} (${share(rest)}).`);
  if (process.argv.includes('--calls')) {
    for (const request of model.requests.filter((entry) => entry.path === '/v1/chat/completions')) {
      const body = request.body as { model: string; messages: Array<{ role: string }>; tools?: Array<{ function: { name: string } }> };
      const tools = wordsOf(JSON.stringify(body.tools ?? []));
      const system = wordsOf(JSON.stringify(body.messages.filter((message) => message.role === 'system')));
      console.log(`${body.model.padEnd(28)} ${pad(request.usage?.prompt_tokens ?? 0, 6)}  system ${pad(system, 5)}  tools ${pad(tools, 5)} (${(body.tools ?? []).length})  messages ${body.messages.length}`);
    }
  }
  const dump = process.argv.indexOf('--dump');
  if (dump !== -1) {
    const chats = model.requests.filter((entry) => entry.path === '/v1/chat/completions');
    console.log(JSON.stringify(chats[Number(process.argv[dump + 1])]?.body, null, 1));
  }
  if (process.argv.includes('--answers')) {
    conversation.forEach((message, index) => console.log(`\n#${index + 1} ${message}\n  Overseer: ${overseer.answers[index]}\n  library:  ${library.answers[index]}`));
  }
} finally {
  await model.close();
}
