import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.ts';
import type { ProcessLease } from './process-lease.ts';
import { recoverStaleRuns } from './recover-stale-runs.ts';
import { createSqliteProcessLease } from './sqlite-process-lease.ts';

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
  return child.pid as number;
}

describe('SQLite process lease', () => {
  let directory: string;
  let databases: DatabaseSync[];
  let leases: ProcessLease[];
  // Each lease gets a connection of its own on one file, as two processes would.
  const leaseOn = (options: Parameters<typeof createSqliteProcessLease>[1] = {}) => {
    const database = openDatabase(path.join(directory, 'overseer.db'));
    databases.push(database);
    const lease = createSqliteProcessLease(database, options);
    leases.push(lease);
    return lease;
  };

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'overseer-lease-'));
    databases = [];
    leases = [];
  });
  afterEach(async () => {
    for (const lease of leases) await lease.release();
    for (const database of databases) database.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('tells a process on another host that the first one serves the file, until it releases', async () => {
    const first = leaseOn();
    expect(await first.acquire()).toEqual([]);
    const second = leaseOn({ identity: { pid: 4242, hostname: 'other-host' } });
    expect((await second.acquire()).map((holder) => ({ pid: holder.pid, hostname: holder.hostname }))).toEqual([
      { pid: process.pid, hostname: hostname() },
    ]);
    await first.release();
    await second.release();
    expect(await leaseOn({ identity: { pid: 4242, hostname: 'third-host' } }).acquire()).toEqual([]);
  });

  it('counts the instances of one process as one: they do not see each other', async () => {
    expect(await leaseOn().acquire()).toEqual([]);
    expect(await leaseOn().acquire()).toEqual([]);
  });

  it('ignores and removes a registration that ran out without renewal', async () => {
    let now = 1_000_000;
    const gone = leaseOn({ identity: { pid: 4242, hostname: 'other-host' }, clock: () => now, ttlMs: 15_000 });
    await gone.acquire();
    now += 15_001;
    const next = leaseOn({ clock: () => now });
    expect(await next.acquire()).toEqual([]);
    const rows = databases[0]!.prepare('SELECT hostname FROM process_leases').all().map((row) => row.hostname);
    expect(rows).toEqual([hostname()]);
  });

  it('treats a registration of an exited process on this host as gone at once', async () => {
    await leaseOn({ identity: { pid: deadPid(), hostname: hostname() } }).acquire();
    expect(await leaseOn().acquire()).toEqual([]);
  });
});

describe('recovering stale runs', () => {
  let directory: string;
  let databases: DatabaseSync[];
  const leaseOn = (identity?: { pid: number; hostname: string }) => {
    const database = openDatabase(path.join(directory, 'overseer.db'));
    databases.push(database);
    return createSqliteProcessLease(database, identity === undefined ? {} : { identity });
  };
  const recorder = () => {
    const calls: string[] = [];
    return {
      calls,
      runs: { recover: async () => (calls.push('recover'), 3) },
      resumeApprovals: async () => (calls.push('resumeApprovals'), 2),
    };
  };

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'overseer-lease-'));
    databases = [];
  });
  afterEach(() => {
    for (const database of databases) database.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('resumes runs, then decided approvals, when this process is alone on the store', async () => {
    const { calls, runs, resumeApprovals } = recorder();
    const lease = leaseOn();
    expect(await recoverStaleRuns({ lease, runs, exclusive: true, store: 'data/overseer.db', resumeApprovals })).toEqual({
      recovered: 3,
      sharedWith: [],
      approvalsResumed: 2,
    });
    // Runs first: a resume run that was under way is taken up again before the sweep could start it twice.
    expect(calls).toEqual(['recover', 'resumeApprovals']);
    await lease.release();
  });

  it('refuses to serve an exclusive store beside a live process, naming it, and settles nothing', async () => {
    const live = leaseOn({ pid: 777, hostname: 'other-host' });
    await live.acquire();
    const { calls, runs, resumeApprovals } = recorder();
    const lease = leaseOn();
    await expect(recoverStaleRuns({ lease, runs, exclusive: true, store: 'data/overseer.db', resumeApprovals })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'another Overseer process (pid 777 on other-host) serves data/overseer.db',
    });
    expect(calls).toEqual([]);
    // The refused process left no registration behind.
    expect(await leaseOn({ pid: 888, hostname: 'third-host' }).acquire().then((holders) => holders.map((holder) => holder.pid))).toEqual([777]);
    await live.release();
  });

  it('serves a shared store beside a live process but leaves its runs alone', async () => {
    const live = leaseOn({ pid: 777, hostname: 'other-host' });
    await live.acquire();
    const { calls, runs, resumeApprovals } = recorder();
    const lease = leaseOn();
    const report = await recoverStaleRuns({ lease, runs, exclusive: false, store: 'Redis', resumeApprovals });
    expect(report.recovered).toBe(0);
    expect(report.sharedWith.map((holder) => holder.pid)).toEqual([777]);
    expect(calls).toEqual([]);
    await lease.release();
    await live.release();
  });
});
