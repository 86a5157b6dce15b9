import { redactPii } from './redact-pii.ts';

/**
 * Log an error with personal data (emails, phone numbers, card numbers, IBANs) masked:
 * errors can quote tool arguments, requests or customer records.
 */
export function logError(context: string, error: unknown): void {
  const text = error instanceof Error ? `${error.name}: ${error.message}${error.cause ? ` (cause: ${String((error.cause as Error).message ?? error.cause)})` : ''}\n${error.stack?.split('\n').slice(1, 6).join('\n') ?? ''}` : String(error);
  console.error(redactPii(`${context} ${text}`));
}
