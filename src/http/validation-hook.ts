import type { Hook } from '@hono/zod-openapi';
import { AppError } from '../errors.ts';
import type { AppEnv } from './app-env.ts';

// A body of 10,000 wrong elements has 10,000 issues; the first few say what is wrong.
const maxIssues = 20;
const maxMessageLength = 300;

interface Issue {
  path: PropertyKey[];
  message: string;
}

/** Every request schema failure becomes one 400 VALIDATION_FAILED naming the fields. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return;
  const { error, target } = result as unknown as { error: { issues: Issue[] }; target: string };
  const details = error.issues.slice(0, maxIssues).map((issue) => ({
    path: issue.path.map(String).join('.').slice(0, maxMessageLength) || '(root)',
    message: issue.message.slice(0, maxMessageLength),
  }));
  if (error.issues.length > maxIssues) details.push({ path: '(root)', message: `and ${error.issues.length - maxIssues} more issues` });
  throw new AppError('VALIDATION_FAILED', `Invalid request ${target === 'json' ? 'body' : target}`, { details });
};
