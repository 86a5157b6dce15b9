import { defaultLogger } from './default-logger.ts';

/**
 * Log an error as one JSON line at `error` (through the default logger, so with the request or
 * run it happened in, and with emails, phone numbers, card numbers and IBANs masked: errors can
 * quote tool arguments, requests or customer records).
 */
export function logError(context: string, error: unknown): void {
  defaultLogger().error({ error: describeError(error) }, context.replace(/:\s*$/, ''));
}

function describeError(error: unknown): Record<string, unknown> | string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause === undefined ? undefined : String((error.cause as Error).message ?? error.cause);
  return {
    name: error.name,
    message: error.message,
    ...(cause === undefined ? {} : { cause }),
    ...((error as { code?: unknown }).code === undefined ? {} : { code: String((error as { code?: unknown }).code) }),
    stack: error.stack?.split('\n').slice(1, 6).map((line) => line.trim()) ?? [],
  };
}
