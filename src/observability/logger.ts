import { pino, type DestinationStream, type Logger } from 'pino';
import { currentLogContext } from './log-context.ts';
import { redactPiiDeep } from './redact-pii.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type { Logger };

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go (default standard output); tests pass a stream to read them. */
  destination?: DestinationStream;
}

/**
 * Structured JSON logs (pino), one object per line, with personal data masked in every
 * string field and in the message: log lines quote requests, tool arguments and errors. Each
 * line carries the request id, run id, tenant and trace id of the request or run it was written
 * in (`withLogContext`); fields the call gives itself win.
 * @example const logger = createLogger({ level: 'info' }); logger.info({ request_id }, 'request');
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'overseer' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => currentLogContext(),
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((argument) => redactPiiDeep(argument)) as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}
