import { describe, expect, it } from 'vitest';
import { closeWithin } from './close-within.ts';

/** Stands in for a BullMQ queue or worker: its close() resolves, or (Redis gone) never does. */
function closable(closeNeverResolves: boolean) {
  const calls: string[] = [];
  return {
    calls,
    close: () => {
      calls.push('close');
      return closeNeverResolves ? new Promise<void>(() => undefined) : Promise.resolve();
    },
    disconnect: async () => {
      calls.push('disconnect');
    },
  };
}

describe('closeWithin', () => {
  it('closes normally when close() finishes in time', async () => {
    const target = closable(false);
    expect(await closeWithin(target, 1_000)).toBe('closed');
    expect(target.calls).toEqual(['close']);
  });

  it('drops the connection when close() would wait forever, so shutdown goes on', async () => {
    const target = closable(true);
    expect(await closeWithin(target, 20)).toBe('disconnected');
    expect(target.calls).toEqual(['close', 'disconnect']);
  });

  it('does nothing for a queue or worker that was never made', async () => {
    expect(await closeWithin(undefined, 20)).toBe('closed');
  });
});
