import { describe, expect, it } from 'vitest';
import type { ApprovalStore, NewApprovalRequest } from './approval-request.ts';

/** Makes a fresh, empty store whose clock reads `clock()`. */
export type ApprovalStoreFactory = (clock: () => Date) => Promise<ApprovalStore>;

function requestOf(id: string, overrides: Partial<NewApprovalRequest> = {}): NewApprovalRequest {
  return {
    id, tenantId: 'acme', threadId: 'thread-1', toolCallId: 'call-1', tool: 'issue_refund',
    args: { orderId: 1004, amountCents: 84_200, reason: 'broken' }, argsHash: `hash-${id}`,
    policy: 'refund-above-500', reason: 'above threshold',
    createdAt: '2026-04-01T12:00:00.000Z', expiresAt: '2026-04-01T13:00:00.000Z', ...overrides,
  };
}

/** The behaviour both approval stores share. */
export function describeApprovalStoreConformance(name: string, create: ApprovalStoreFactory): void {
  describe(`${name} (approval store conformance)`, () => {
    const at = (iso: string) => () => new Date(iso);

    it('creates a request once and returns the same request when created again', async () => {
      const store = await create(at('2026-04-01T12:00:00Z'));
      const first = await store.create(requestOf('a'));
      const again = await store.create(requestOf('a', { reason: 'something else' }));
      expect(first).toMatchObject({ created: true, request: { id: 'a', status: 'pending', reason: 'above threshold' } });
      expect(again).toMatchObject({ created: false, request: { reason: 'above threshold' } });
      expect(await store.get('missing')).toBeUndefined();
    });

    it('lists only pending, unexpired requests of the tenant, oldest first', async () => {
      const store = await create(at('2026-04-01T12:30:00Z'));
      await store.create(requestOf('late', { createdAt: '2026-04-01T12:10:00.000Z' }));
      await store.create(requestOf('early', { createdAt: '2026-04-01T12:05:00.000Z' }));
      await store.create(requestOf('gone', { expiresAt: '2026-04-01T12:20:00.000Z' }));
      await store.create(requestOf('elsewhere', { tenantId: 'globex' }));
      await store.create(requestOf('decided'));
      await store.decide('decided', { tenantId: 'acme', decision: 'reject', approver: 'm' });
      expect((await store.listPending('acme')).map((request) => request.id)).toEqual(['early', 'late']);
    });

    it('records the decision with its approver once; a second decision conflicts', async () => {
      const store = await create(at('2026-04-01T12:30:00Z'));
      await store.create(requestOf('a'));
      const decided = await store.decide('a', { tenantId: 'acme', decision: 'edit', approver: 'dana', args: { orderId: 1004, amountCents: 1, reason: 'x' }, reason: 'partial' });
      expect(decided).toMatchObject({ status: 'edited', decision: { decision: 'edit', approver: 'dana', decidedAt: '2026-04-01T12:30:00.000Z', reason: 'partial', args: { amountCents: 1 } } });
      await expect(store.decide('a', { tenantId: 'acme', decision: 'approve', approver: 'eve' })).rejects.toMatchObject({ code: 'CONFLICT' });
      expect((await store.get('a'))?.decision?.approver).toBe('dana');
    });

    it('hides requests of other tenants and checks the shape of a decision', async () => {
      const store = await create(at('2026-04-01T12:30:00Z'));
      await store.create(requestOf('a'));
      await expect(store.decide('a', { tenantId: 'globex', decision: 'approve', approver: 'm' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(store.decide('nope', { tenantId: 'acme', decision: 'approve', approver: 'm' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(store.decide('a', { tenantId: 'acme', decision: 'edit', approver: 'm' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(store.decide('a', { tenantId: 'acme', decision: 'approve', approver: 'm', args: {} })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(store.decide('a', { tenantId: 'acme', decision: 'approve', approver: ' ' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((await store.get('a'))?.status).toBe('pending');
    });

    it('marks a request expired when someone tries to decide it too late', async () => {
      const store = await create(at('2026-04-01T13:00:00Z'));
      await store.create(requestOf('a'));
      await expect(store.decide('a', { tenantId: 'acme', decision: 'approve', approver: 'm' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('expired') });
      expect(await store.get('a')).toMatchObject({ status: 'expired' });
      expect((await store.get('a'))?.decision).toBeUndefined();
    });

    it('closes a pending request as superseded with its reason; deciding it then conflicts with that reason', async () => {
      const store = await create(at('2026-04-01T12:30:00Z'));
      await store.create(requestOf('a', { requestedBy: { actor: 'agent', scopes: ['refunds:write'] } }));
      await store.create(requestOf('b'));
      const closed = await store.close('a', { tenantId: 'acme', status: 'superseded', reason: 'superseded by a new message on the thread' });
      expect(closed).toMatchObject({
        status: 'superseded', requestedBy: { actor: 'agent', scopes: ['refunds:write'] },
        closed: { reason: 'superseded by a new message on the thread', at: '2026-04-01T12:30:00.000Z' },
      });
      expect(closed?.decision).toBeUndefined();
      expect((await store.listPending('acme')).map((request) => request.id)).toEqual(['b']);
      await expect(store.decide('a', { tenantId: 'acme', decision: 'approve', approver: 'm' })).rejects.toMatchObject({
        code: 'CONFLICT', message: expect.stringContaining('superseded by a new message on the thread at 2026-04-01T12:30:00.000Z'), details: { status: 'superseded' },
      });
      expect(await store.get('a')).toMatchObject({ status: 'superseded' });
    });

    it('closes only pending requests of the caller\'s tenant: decided, closed, unknown and foreign ones are left as they are', async () => {
      const store = await create(at('2026-04-01T12:30:00Z'));
      await store.create(requestOf('decided'));
      await store.decide('decided', { tenantId: 'acme', decision: 'approve', approver: 'm' });
      await store.create(requestOf('foreign', { tenantId: 'globex' }));
      await store.create(requestOf('twice'));
      expect(await store.close('decided', { tenantId: 'acme', status: 'orphaned', reason: 'orphaned: its thread was deleted' })).toBeUndefined();
      expect(await store.close('foreign', { tenantId: 'acme', status: 'orphaned', reason: 'x' })).toBeUndefined();
      expect(await store.close('missing', { tenantId: 'acme', status: 'orphaned', reason: 'x' })).toBeUndefined();
      expect(await store.close('twice', { tenantId: 'acme', status: 'orphaned', reason: 'orphaned: first' })).toMatchObject({ status: 'orphaned' });
      expect(await store.close('twice', { tenantId: 'acme', status: 'superseded', reason: 'second' })).toBeUndefined();
      expect(await store.get('decided')).toMatchObject({ status: 'approved', decision: { approver: 'm' } });
      expect((await store.get('decided'))?.closed).toBeUndefined();
      expect(await store.get('foreign')).toMatchObject({ status: 'pending' });
      expect(await store.get('twice')).toMatchObject({ status: 'orphaned', closed: { reason: 'orphaned: first' } });
      expect((await store.listPending('globex')).map((request) => request.id)).toEqual(['foreign']);
    });

    it('lists decided requests that name their requester, of every tenant, oldest decision first, until marked resumed', async () => {
      let now = new Date('2026-04-01T12:30:00Z');
      const store = await create(() => now);
      const requestedBy = { actor: 'agent', scopes: ['refunds:write'] };
      for (const [id, tenantId] of [['first', 'acme'], ['second', 'globex'], ['rejected', 'acme'], ['anonymous', 'acme'], ['open', 'acme'], ['closed', 'acme']] as const) {
        await store.create(requestOf(id, { tenantId, ...(id === 'anonymous' ? {} : { requestedBy }) }));
      }
      now = new Date('2026-04-01T12:32:00Z');
      await store.decide('second', { tenantId: 'globex', decision: 'approve', approver: 'm' });
      now = new Date('2026-04-01T12:31:00Z');
      await store.decide('first', { tenantId: 'acme', decision: 'edit', approver: 'm', args: { orderId: 1004, amountCents: 1, reason: 'x' } });
      now = new Date('2026-04-01T12:33:00Z');
      await store.decide('rejected', { tenantId: 'acme', decision: 'reject', approver: 'm' });
      await store.decide('anonymous', { tenantId: 'acme', decision: 'approve', approver: 'm' });
      await store.close('closed', { tenantId: 'acme', status: 'orphaned', reason: 'x' });
      const unresumed = await store.listUnresumed(10);
      expect(unresumed.map((request) => [request.id, request.status])).toEqual([['first', 'edited'], ['second', 'approved'], ['rejected', 'rejected']]);
      expect(unresumed[0]).toMatchObject({ requestedBy, decision: { approver: 'm' } });
      expect((await store.listUnresumed(1)).map((request) => request.id)).toEqual(['first']);
      await store.markResumed('first');
      await store.markResumed('missing');
      expect((await store.listUnresumed(10)).map((request) => request.id)).toEqual(['second', 'rejected']);
    });
  });
}
