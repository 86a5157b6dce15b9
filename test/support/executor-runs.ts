import { expect } from 'vitest';

/** What an executor run's final values say of its tool calls and its pending approval. */
export interface ExecutorValues {
  actions?: Array<{ tool: string; status: string; result?: Record<string, unknown>; message?: string; replayed?: boolean }>;
  __interrupt__?: Array<{ value: { approvalId: string; tool: string; reason: string } }>;
}

/**
 * JSON calls to a listening Overseer and an executor run on a new thread to its end, over real
 * HTTP, for suites that drive the executor graph directly (MCP tool sources, say).
 * @example const { runExecutor } = executorRuns(() => server.url); const { values } = await runExecutor('Add a note');
 */
export function executorRuns(baseUrl: () => string) {
  async function post(path: string, body: unknown) {
    const response = await fetch(`${baseUrl()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  async function runExecutor(task: string) {
    const thread = await post('/threads', {});
    const threadId = thread.body.thread_id as string;
    const run = await post(`/threads/${threadId}/runs/wait`, { assistant_id: 'executor', input: { task } });
    expect(run.status).toBe(200);
    return { threadId, values: run.body as ExecutorValues };
  }
  return { post, runExecutor };
}
