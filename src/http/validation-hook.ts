import type { Hook } from '@hono/zod-openapi';
import { AppError } from '../errors.ts';
import type { AppEnv } from './app-env.ts';

/** Every request schema failure becomes one 400 VALIDATION_FAILED naming the fields. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return;
  const { error, target } = result as unknown as { error: { issues: Array<{ path: PropertyKey[]; message: string }> }; target: string };
  throw new AppError('VALIDATION_FAILED', `Invalid request ${target === 'json' ? 'body' : target}`, {
    details: error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message })),
  });
};
