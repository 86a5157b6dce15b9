import { AIMessage, HumanMessage, type AIMessageChunk } from '@langchain/core/messages';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reply, startOpenAICompatibleServer, type OpenAICompatibleServer } from './openai-compatible-server.ts';

// The stand-in is only worth something if the real client reads it as it reads a provider.
describe('the OpenAI-compatible stand-in, read by @langchain/openai', () => {
  let server: OpenAICompatibleServer;
  beforeEach(async () => {
    server = await startOpenAICompatibleServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const chat = () => new ChatOpenAI({ model: 'test-model', apiKey: 'test', configuration: { baseURL: server.baseUrl }, maxRetries: 0 });

  it('streams parallel tool calls whose arguments arrive split across chunks, with the usage chunk', async () => {
    server.script('test-model', reply.toolCalls([
      { name: 'lookup_order', arguments: { orderId: 1001 } },
      { name: 'check_shipment_sla', arguments: { orderId: 1001 } },
    ]));
    // `.stream()` as LangGraph's messages mode drives it (`streaming: true` would count tokens with tiktoken, which downloads its tables).
    const model = chat().bindTools([
      { type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: {} } } },
      { type: 'function', function: { name: 'check_shipment_sla', parameters: { type: 'object', properties: {} } } },
    ]);
    let message: AIMessageChunk | undefined;
    for await (const chunk of await model.stream([new HumanMessage('Look up order 1001')])) message = message ? message.concat(chunk) : chunk;
    expect(message!.tool_calls?.map((call) => [call.name, call.args])).toEqual([
      ['lookup_order', { orderId: 1001 }],
      ['check_shipment_sla', { orderId: 1001 }],
    ]);
    expect(message!.usage_metadata?.total_tokens).toBeGreaterThan(0);
    const sent = server.chatRequests('test-model')[0]!;
    expect(sent.stream).toBe(true);
    expect(sent.stream_options).toEqual({ include_usage: true });
    expect(sent.tools?.map((tool) => tool.function.name)).toEqual(['lookup_order', 'check_shipment_sla']);
  });

  it('answers unstreamed requests and reports malformed tool-call JSON as an invalid tool call', async () => {
    server.script('test-model', reply.text('Two years.'), reply.toolCall('lookup_order', '{"orderId": 10'));
    expect((await chat().invoke('Warranty?')).content).toBe('Two years.');
    const broken = (await chat().invoke('Order?')) as AIMessage;
    expect(broken.tool_calls).toEqual([]);
    expect(broken.invalid_tool_calls?.[0]).toMatchObject({ name: 'lookup_order', args: '{"orderId": 10' });
  });

  it('refuses an assistant tool call left without a tool message, as providers do', async () => {
    server.script('test-model', reply.text('never sent'));
    const unanswered = new AIMessage({ content: '', tool_calls: [{ id: 'call_1', name: 'x', args: {}, type: 'tool_call' }] });
    await expect(chat().invoke([new HumanMessage('hi'), unanswered])).rejects.toMatchObject({ status: 400 });
    expect(server.unscripted).toEqual([]);
  });

  it('sends Retry-After with a 429 and serves embeddings in the encoding asked for', async () => {
    server.script('test-model', reply.error(429, { retryAfter: '7' }));
    const error = (await chat().invoke('hi').then(() => undefined, (caught: unknown) => caught)) as { status: number; headers: Headers };
    expect(error.status).toBe(429);
    expect(error.headers.get('retry-after')).toBe('7');

    const embeddings = new OpenAIEmbeddings({ model: 'embedder', apiKey: 'test', configuration: { baseURL: server.baseUrl } });
    const [refund, refunds, warranty] = await embeddings.embedDocuments(['refund late order', 'late order refund', 'warranty period']);
    const dot = (left: number[], right: number[]) => left.reduce((sum, value, index) => sum + value * right[index]!, 0);
    expect(dot(refund!, refunds!)).toBeCloseTo(1, 5);
    expect(dot(refund!, warranty!)).toBeLessThan(0.5);
  });
});
