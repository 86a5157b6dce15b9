import { Client } from '@langchain/langgraph-sdk';
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.ts';
import { useSdkServer } from '../support/use-sdk-server.ts';

/*
 * Usage and budgets as the official SDK client meets them: a streamed run's last event is its
 * usage, equal to what `GET /usage` reports for its thread; once the tenant's daily budget has
 * stopped a run (what is left is less than the day's average model call), the next run the SDK
 * starts is refused at once (POST is not retried by the SDK) with 429 `BUDGET_EXHAUSTED` and a
 * `Retry-After` to the next UTC day, and nothing runs.
 */

interface Usage { calls: number; input_tokens: number; output_tokens: number; cost_usd: number; estimated: boolean }

describe('usage and budgets through @langchain/langgraph-sdk', () => {
  let server: TestServer;
  let client: Client;
  // The offline models' estimated counts: a policy question costs a few thousand tokens, so 1,500 a day lets one run start and stops it on the way.
  useSdkServer({ BUDGET_TENANT_DAILY_TOKENS: '1500' }, (started) => ({ server, client } = started));

  it('ends a streamed run with its usage, stops the run that spends the day, then refuses the next with 429', async () => {
    const thread = await client.threads.create();
    const events: Array<{ event: string; data: unknown }> = [];
    for await (const chunk of client.runs.stream(thread.thread_id, 'supervisor', {
      input: { messages: [{ role: 'user', content: 'What is your refund policy for damaged items?' }] },
      streamMode: ['values'],
    })) events.push(chunk);

    const last = events.at(-1)!;
    expect(last.event).toBe('usage');
    const streamed = last.data as Usage;
    expect(streamed.calls).toBeGreaterThan(0);
    expect(streamed.estimated).toBe(true);
    const report = (await (await fetch(`${server.url}/usage?group_by=thread`)).json()) as { groups: Array<{ key: string; calls: number; input_tokens: number; output_tokens: number }> };
    expect(report.groups.find((group) => group.key === thread.thread_id)).toMatchObject({ calls: streamed.calls, input_tokens: streamed.input_tokens, output_tokens: streamed.output_tokens });
    // The day's budget ran out during this run: it ended partial at a model call, not with an error.
    const values = events.filter((event) => event.event === 'values').at(-1)!.data as { result: { status: string; reason: string } };
    expect(values.result.status).toBe('partial');
    expect(values.result.reason).toMatch(/budget exhausted/i);

    const started = Date.now();
    const refusal = await client.runs.wait(thread.thread_id, 'supervisor', { input: { messages: [{ role: 'user', content: 'And for late deliveries?' }] } }).then(
      () => undefined,
      (error: unknown) => error as { status?: number; message: string; response?: Response },
    );
    expect(refusal?.status).toBe(429);
    expect(refusal?.message).toContain('BUDGET_EXHAUSTED');
    // Refused at once: the SDK does not retry a POST, and the service says when to come back.
    expect(Date.now() - started).toBeLessThan(5_000);
    const retryAfter = Number(refusal?.response?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(await client.runs.list(thread.thread_id)).toHaveLength(1);
  });
});
