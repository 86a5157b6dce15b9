import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { printed, startServer, stopServer, type ServerProcess } from '../support/server-process.ts';

/** The run's status and attempt as stored in the SQLite file, read by a connection of the test's own. */
function storedRun(sqlitePath: string, runId: string): { status: string; attempt: number | undefined } | undefined {
  const database = new DatabaseSync(sqlitePath, { readOnly: true });
  try {
    const row = database.prepare('SELECT status, record FROM run_records WHERE run_id = ?').get(runId) as { status: string; record: string } | undefined;
    return row && { status: row.status, attempt: (JSON.parse(row.record) as { attempt?: number }).attempt };
  } finally {
    database.close();
  }
}

/** Until the stored run has `status` (a worker marks it running once it starts it). */
async function storedAs(sqlitePath: string, runId: string, status: string) {
  while (storedRun(sqlitePath, runId)?.status !== status) await new Promise((resolve) => setTimeout(resolve, 50));
  return storedRun(sqlitePath, runId);
}

describe('starting a second server', () => {
  const started: ServerProcess[] = [];
  let dataDir: string | undefined;
  afterEach(async () => {
    for (const server of started.splice(0)) await stopServer(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('fails with one line, on a taken port or a database another process serves, and never touches the live server\'s run', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'overseer-safe-start-'));
    const sqlitePath = path.join(dataDir, 'overseer.db');
    const port = await freePort();
    const first = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    started.push(first);
    await printed(first);

    const base = `http://127.0.0.1:${port}`;
    const thread = (await (await fetch(`${base}/threads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { thread_id: string };
    // Far longer than both later processes take to start and give up; it is cancelled at the end.
    const created = await fetch(`${base}/threads/${thread.thread_id}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assistant_id: 'slow', input: { delayMs: 200, count: 900 }, config: { recursion_limit: 1_000 } }),
    });
    expect(created.status).toBe(200);
    const run = (await created.json()) as { run_id: string };
    expect(await storedAs(sqlitePath, run.run_id, 'running')).toEqual({ status: 'running', attempt: 1 });

    // The same command again (same port, same data), and one on another port with the same data.
    const samePort = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    const otherPort = startServer({ DATA_DIR: dataDir, PORT: String(await freePort()) });
    started.push(samePort, otherPort);
    expect(await samePort.exited).toBe(1);
    expect(await otherPort.exited).toBe(1);

    expect(samePort.stderr().trim().split('\n')).toEqual([`Overseer could not start: port ${port} on 127.0.0.1 is in use (another Overseer?)`]);
    expect(otherPort.stderr().trim().split('\n')).toEqual([`Overseer could not start: another Overseer process (pid ${first.child.pid}) serves ${sqlitePath}`]);
    expect(samePort.stderr() + otherPort.stderr()).not.toMatch(/\n\s+at /);

    // Neither touched the live run: neither settled it nor took it up as a next attempt; it is
    // still its first attempt in storage, running and making progress on its own server.
    expect(storedRun(sqlitePath, run.run_id)).toEqual({ status: 'running', attempt: 1 });
    const runUrl = `${base}/threads/${thread.thread_id}/runs/${run.run_id}`;
    expect(((await (await fetch(runUrl)).json()) as { status: string }).status).toBe('running');
    const steps = async () => ((await (await fetch(`${base}/threads/${thread.thread_id}/state`)).json()) as { values: { steps?: string[] } }).values.steps?.length ?? 0;
    const before = await steps();
    while ((await steps()) <= before) await new Promise((resolve) => setTimeout(resolve, 100));
    // Its own server still governs it: cancelled there, it ends as a cancelled run does.
    expect((await fetch(`${runUrl}/cancel?wait=1&action=interrupt`, { method: 'POST' })).status).toBeLessThan(300);
    expect(((await (await fetch(runUrl)).json()) as { status: string }).status).toBe('interrupted');
    expect(storedRun(sqlitePath, run.run_id)).toEqual({ status: 'interrupted', attempt: 1 });
    expect(first.stderr()).toBe('');
  }, 240_000);

  it('resumes the runs a killed server left once it is gone, without waiting for its lease to run out', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'overseer-safe-start-'));
    const sqlitePath = path.join(dataDir, 'overseer.db');
    const port = await freePort();
    const first = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    started.push(first);
    await printed(first);
    const base = `http://127.0.0.1:${port}`;
    const thread = (await (await fetch(`${base}/threads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { thread_id: string };
    const created = await fetch(`${base}/threads/${thread.thread_id}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assistant_id: 'slow', input: { delayMs: 200, count: 20 }, config: { recursion_limit: 100 } }),
    });
    const run = (await created.json()) as { run_id: string };
    const steps = async () => ((await (await fetch(`${base}/threads/${thread.thread_id}/state`)).json()) as { values: { steps?: string[] } }).values.steps?.length ?? 0;
    // Killed mid-way, with steps checkpointed and steps still to do.
    while ((await steps()) < 3) await new Promise((resolve) => setTimeout(resolve, 50));
    first.child.kill('SIGKILL');
    await first.exited;
    expect(storedRun(sqlitePath, run.run_id)).toEqual({ status: 'running', attempt: 1 });

    // Its lease is still in the file, but its pid is gone: the new server takes the run up at once.
    const restarted = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    started.push(restarted);
    await printed(restarted, '1 left pending or running by a stopped process, resumed from their last checkpoint');
    const joined = await fetch(`${base}/threads/${thread.thread_id}/runs/${run.run_id}/join`);
    expect(joined.status).toBe(200);
    // Finished as its second attempt, from its checkpoint: every step once, none lost, none repeated.
    const values = (await joined.json()) as { steps: string[] };
    expect(values.steps).toEqual(Array.from({ length: 20 }, (_, index) => `step-${index + 1}`));
    expect(storedRun(sqlitePath, run.run_id)).toEqual({ status: 'success', attempt: 2 });
    const settledThread = (await (await fetch(`${base}/threads/${thread.thread_id}`)).json()) as { status: string };
    expect(settledThread.status).toBe('idle');
    expect(restarted.stderr()).toBe('');
  }, 240_000);
});
