import { AppError } from '../../errors.ts';

/**
 * A 401 with its RFC 6750 challenge. Without credentials the challenge names only the realm;
 * with credentials that failed it says `invalid_token` and why, so a client knows to get a new
 * token rather than retry this one. Descriptions are fixed sentences of ours (no quotes), never
 * text taken from the token.
 * @example throw unauthorized('The token has expired', { invalid: true });
 */
export function unauthorized(description: string, options: { invalid?: boolean; cause?: unknown } = {}): AppError {
  const challenge = options.invalid
    ? `Bearer realm="overseer", error="invalid_token", error_description="${description}"`
    : 'Bearer realm="overseer"';
  return new AppError('UNAUTHORIZED', description, { cause: options.cause, headers: { 'WWW-Authenticate': challenge } });
}
