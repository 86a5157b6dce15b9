import { describe, expect, it } from 'vitest';
import type { AuditLog, AuditRecord } from './audit-log.ts';

/** Direct writes to the storage, bypassing the log, as an attacker with database access would. */
export interface AuditTamper {
  /** Rewrite one stored record's content, leaving its stored hash as it was. */
  edit(tenantId: string, seq: number, change: (record: AuditRecord) => AuditRecord): Promise<void>;
  remove(tenantId: string, seq: number): Promise<void>;
  /** Exchange the positions of two records. */
  swap(tenantId: string, first: number, second: number): Promise<void>;
}

export type AuditLogFactory = (clock: () => Date) => Promise<{ log: AuditLog; tamper: AuditTamper }>;

const now = () => new Date('2026-04-01T12:00:00Z');

async function appendStory(log: AuditLog, tenantId = 'acme'): Promise<AuditRecord[]> {
  return [
    await log.append({ tenantId, type: 'run.started', runId: 'run-1', threadId: 'thread-1', actor: 'key:support-bot', data: { request: 'refund order 1004' } }),
    await log.append({ tenantId, type: 'routing.decided', runId: 'run-1', threadId: 'thread-1', data: { route: 'executor' } }),
    await log.append({ tenantId, type: 'tool.approval_requested', runId: 'run-1', threadId: 'thread-1', data: { tool: 'issue_refund', argsHash: 'abc' } }),
    await log.append({ tenantId, type: 'approval.decided', threadId: 'thread-1', actor: 'manager@brightcart', data: { decision: 'approve' } }),
    await log.append({ tenantId, type: 'tool.executed', runId: 'run-2', threadId: 'thread-1', data: { tool: 'issue_refund', amountCents: 84_200 } }),
    await log.append({ tenantId, type: 'run.finished', runId: 'run-2', threadId: 'thread-1', data: { status: 'success' } }),
  ];
}

/** The behaviour both audit logs share, tamper detection included. */
export function describeAuditLogConformance(name: string, create: AuditLogFactory): void {
  describe(`${name} (audit log conformance)`, () => {
    it('numbers records per tenant and chains each to the previous hash', async () => {
      const { log } = await create(now);
      const records = await appendStory(log);
      const other = await log.append({ tenantId: 'globex', type: 'run.started', data: {} });
      expect(records.map((record) => record.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(records[0]).toMatchObject({ previousHash: '0'.repeat(64), at: '2026-04-01T12:00:00.000Z', actor: 'key:support-bot' });
      expect(records.slice(1).every((record, index) => record.previousHash === records[index]!.hash)).toBe(true);
      expect(other).toMatchObject({ seq: 1, previousHash: '0'.repeat(64) });
      expect(await log.tenants()).toEqual(['acme', 'globex']);
    });

    it('queries by thread and run, pages with after, and never crosses tenants', async () => {
      const { log } = await create(now);
      await appendStory(log);
      await log.append({ tenantId: 'acme', type: 'run.started', runId: 'run-9', threadId: 'thread-9', data: {} });
      await log.append({ tenantId: 'globex', type: 'run.started', runId: 'run-1', threadId: 'thread-1', data: {} });
      expect((await log.query({ tenantId: 'acme', threadId: 'thread-1' })).map((record) => record.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await log.query({ tenantId: 'acme', runId: 'run-2' })).map((record) => record.type)).toEqual(['tool.executed', 'run.finished']);
      expect((await log.query({ tenantId: 'acme', limit: 2, after: 2 })).map((record) => record.seq)).toEqual([3, 4]);
      expect((await log.query({ tenantId: 'acme', threadId: 'thread-1', after: 4, limit: 1 })).map((record) => record.seq)).toEqual([5]);
      expect(await log.query({ tenantId: 'globex', runId: 'run-1' })).toHaveLength(1);
    });

    it('answers newest first, pages back with before, and filters by action and actor', async () => {
      const { log } = await create(now);
      await appendStory(log);
      await log.append({ tenantId: 'acme', type: 'approval.decided', runId: 'run-9', threadId: 'thread-9', actor: 'intern@brightcart', data: {} });
      await log.append({ tenantId: 'globex', type: 'approval.decided', actor: 'manager@brightcart', data: {} });
      const seqs = async (query: Omit<Parameters<AuditLog['query']>[0], 'tenantId'>) => (await log.query({ tenantId: 'acme', ...query })).map((record) => record.seq);
      expect(await seqs({ order: 'desc', limit: 3 })).toEqual([7, 6, 5]);
      expect(await seqs({ order: 'desc', before: 5, limit: 3 })).toEqual([4, 3, 2]);
      expect(await seqs({ order: 'desc', before: 3 })).toEqual([2, 1]);
      expect(await seqs({ before: 3 })).toEqual([1, 2]);
      expect(await seqs({ type: 'approval.decided', order: 'desc' })).toEqual([7, 4]);
      expect(await seqs({ type: 'approval.decided', actor: 'manager@brightcart' })).toEqual([4]);
      expect(await seqs({ actor: 'key:support-bot' })).toEqual([1]);
      expect(await seqs({ threadId: 'thread-1', type: 'run.finished', order: 'desc' })).toEqual([6]);
      expect(await seqs({ runId: 'run-1', order: 'desc', before: 3 })).toEqual([2, 1]);
      expect(await seqs({ threadId: 'thread-1', order: 'desc', limit: 2, before: 6 })).toEqual([5, 4]);
    });

    it('verifies an untouched chain, and an empty one', async () => {
      const { log } = await create(now);
      const records = await appendStory(log);
      expect(await log.verify('acme')).toEqual({ tenantId: 'acme', ok: true, count: 6, headHash: records[5]!.hash, problems: [] });
      expect(await log.verify('nobody')).toMatchObject({ ok: true, count: 0 });
    });

    it('detects an edited record and names it', async () => {
      const { log, tamper } = await create(now);
      await appendStory(log);
      await tamper.edit('acme', 4, (record) => ({ ...record, actor: 'intern@brightcart' }));
      expect(await log.verify('acme')).toMatchObject({ ok: false, problems: [{ kind: 'edited', seq: 4 }] });
    });

    it('detects an edited record whose hash was recomputed, by the broken link to the next one', async () => {
      const { log, tamper } = await create(now);
      await appendStory(log);
      const { hashAuditRecord } = await import('./audit-log.ts');
      await tamper.edit('acme', 5, (record) => {
        const changed = { ...record, data: { tool: 'issue_refund', amountCents: 1 } };
        return { ...changed, hash: hashAuditRecord(changed) };
      });
      expect(await log.verify('acme')).toMatchObject({ ok: false, problems: [{ kind: 'broken_link', seq: 6 }] });
    });

    it('detects a removed record in the middle and at the end', async () => {
      const { log, tamper } = await create(now);
      await appendStory(log);
      await tamper.remove('acme', 3);
      expect(await log.verify('acme')).toMatchObject({ ok: false, problems: [{ kind: 'removed', seq: 4, message: expect.stringContaining('3') }] });
      await tamper.remove('acme', 6);
      expect((await log.verify('acme')).problems.map((problem) => problem.kind)).toEqual(['removed', 'truncated']);
    });

    it('detects reordered records', async () => {
      const { log, tamper } = await create(now);
      await appendStory(log);
      await tamper.swap('acme', 2, 3);
      const verification = await log.verify('acme');
      expect(verification.ok).toBe(false);
      expect(verification.problems).toEqual([expect.objectContaining({ kind: 'reordered', seq: 3 })]);
    });

    it('keeps tenants apart: tampering with one tenant leaves the other verifying', async () => {
      const { log, tamper } = await create(now);
      await appendStory(log, 'acme');
      await appendStory(log, 'globex');
      await tamper.remove('globex', 1);
      expect((await log.verify('acme')).ok).toBe(true);
      expect((await log.verify('globex')).ok).toBe(false);
    });
  });
}
