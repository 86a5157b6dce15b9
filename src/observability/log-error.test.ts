import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { setDefaultLogger } from './default-logger.ts';
import { withLogContext } from './log-context.ts';
import { logError } from './log-error.ts';
import { createLogger } from './logger.ts';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  setDefaultLogger(createLogger({ level: 'info', destination }));
  return lines;
}

describe('logError', () => {
  afterEach(() => setDefaultLogger(createLogger({ level: 'silent' })));

  it('writes one JSON line at error with the run, thread and tenant it happened in', () => {
    const lines = capture();
    withLogContext({ run_id: 'run-1', thread_id: 'thread-1', tenant: 'acme' }, () => {
      logError('run run-1 failed:', new Error('upstream said no', { cause: new Error('503') }));
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      service: 'overseer',
      msg: 'run run-1 failed',
      run_id: 'run-1',
      thread_id: 'thread-1',
      tenant: 'acme',
      error: { name: 'Error', message: 'upstream said no', cause: '503' },
    });
    expect(Array.isArray((lines[0]!.error as { stack: unknown }).stack)).toBe(true);
  });

  it('masks personal data in the message and the error', () => {
    const lines = capture();
    logError('could not notify maya@example.com:', new Error('card 4111 1111 1111 1111 declined'));
    expect(lines[0]!.msg).toBe('could not notify [redacted:email]');
    expect((lines[0]!.error as { message: string }).message).toBe('card [redacted:card] declined');
  });

  it('carries no ids outside a request or run, and logs what is not an Error as text', () => {
    const lines = capture();
    logError('odd failure:', 'a string was thrown');
    expect(lines[0]).toMatchObject({ msg: 'odd failure', error: 'a string was thrown' });
    expect(lines[0]).not.toHaveProperty('run_id');
    expect(lines[0]).not.toHaveProperty('request_id');
  });
});
