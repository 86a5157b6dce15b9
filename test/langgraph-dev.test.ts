import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.ts';


async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`langgraph dev exited early:\n${output()}`);
    try {
      if ((await fetch(`${url}/ok`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`langgraph dev did not become ready:\n${output()}`);
}

// Proves the langgraph.json contract: all four graphs load under the official dev server
// (the one LangGraph Studio talks to) with no services running, and a run works there.
describe('langgraph.json under `langgraph dev`', () => {
  let child: ChildProcess;
  let url: string;
  let log = '';
  const dataDir = mkdtempSync(path.join(tmpdir(), 'overseer-langgraph-dev-'));

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn('npx', ['langgraphjs', 'dev', '--no-browser', '--port', String(port), '--host', '127.0.0.1'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: { ...process.env, DATA_DIR: dataDir, OPENAI_API_KEY: '', REDIS_URL: '', QDRANT_URL: '' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk) => (log += chunk));
    child.stderr?.on('data', (chunk) => (log += chunk));
    await waitUntilReady(url, child, () => log);
  }, 150_000);

  afterAll(() => {
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the four graphs as assistants', async () => {
    const client = new Client({ apiUrl: url });
    const assistants = await client.assistants.search({ limit: 10 });
    expect(assistants.map((assistant) => assistant.graph_id).sort()).toEqual(['executor', 'retriever', 'reviewer', 'supervisor']);
  });

  it('runs the supervisor there with the offline model', async () => {
    const client = new Client({ apiUrl: url });
    const state = (await client.runs.wait(null, 'supervisor', {
      input: { messages: [{ role: 'user', content: 'How long is the warranty on electronics?' }] },
    })) as { messages: Array<{ content: string }> };
    expect(state.messages.at(-1)!.content).toMatch(/24 months/);
  }, 60_000);
});
