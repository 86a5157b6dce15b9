import type { ModelRole } from '../config.ts';
import { AppError, isAppError, type ErrorCode } from '../errors.ts';
import { ModelTimeoutError } from './model-fetch.ts';

/** The codes a failed model call ends in; anything else is not the model provider's doing. */
export const modelFailureCodes = ['MODEL_RATE_LIMITED', 'MODEL_UNAVAILABLE', 'MODEL_TIMEOUT', 'MODEL_ERROR'] as const satisfies readonly ErrorCode[];

/** True for an `AppError` that says a model call failed (see `toModelError`). */
export function isModelFailure(error: unknown): error is AppError {
  return isAppError(error) && (modelFailureCodes as readonly string[]).includes(error.code);
}

interface ProviderErrorShape {
  name?: string;
  status?: number;
  headers?: Headers | Record<string, string>;
  retryAfterMs?: number;
  lc_error_code?: string;
  constructor?: { name?: string };
}

/**
 * A failed model call as the service's error: 429 → `MODEL_RATE_LIMITED` (with the provider's
 * `Retry-After`), 5xx and refused connections → `MODEL_UNAVAILABLE`, time-outs (the SDK's, and the
 * idle and call limits of `createModelFetch`) → `MODEL_TIMEOUT`, other refusals (400, 401, 404) →
 * `MODEL_ERROR`. The provider's own words go to `details`, which clients see only in development.
 * Returns undefined for what is not a provider failure (an abort, a bug), to be handled as it is.
 * @example catch (error) { throw toModelError(error, 'reviewer') ?? error; }
 */
export function toModelError(error: unknown, role: ModelRole): AppError | undefined {
  if (isAppError(error)) return isModelFailure(error) ? error : undefined;
  if (typeof error !== 'object' || error === null) return undefined;
  const shape = error as ProviderErrorShape;
  const whose = `The ${role}'s model`;
  const provider = { providerMessage: (error as Error).message?.slice(0, 500) };
  if (error instanceof ModelTimeoutError) {
    return new AppError('MODEL_TIMEOUT', `${whose} timed out: ${error.message}`, { cause: error, details: provider });
  }
  const className = shape.constructor?.name ?? '';
  if (shape.name === 'TimeoutError' || className === 'APIConnectionTimeoutError' || shape.status === 504 || shape.status === 408) {
    return new AppError('MODEL_TIMEOUT', `${whose} did not answer in time`, { cause: error, details: provider });
  }
  if (shape.status === 429) {
    const retryAfterSeconds = retryAfterOf(shape);
    return new AppError(
      'MODEL_RATE_LIMITED',
      `${whose} provider is rate limiting requests (HTTP 429)${retryAfterSeconds === undefined ? '' : `; retry after ${retryAfterSeconds} s`}`,
      {
        cause: error,
        details: { ...provider, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
        ...(retryAfterSeconds === undefined ? {} : { headers: { 'Retry-After': String(retryAfterSeconds) } }),
      },
    );
  }
  if ((shape.status !== undefined && shape.status >= 500) || className === 'APIConnectionError') {
    const how = shape.status === undefined ? 'could not be reached' : `is unavailable (HTTP ${shape.status})`;
    return new AppError('MODEL_UNAVAILABLE', `${whose} provider ${how}`, { cause: error, details: provider });
  }
  if (shape.status !== undefined && shape.status >= 400) {
    return new AppError('MODEL_ERROR', `${whose} provider refused the request (HTTP ${shape.status})`, { cause: error, details: provider });
  }
  return undefined;
}

/** Seconds to wait, from the provider's `Retry-After` (seconds or an HTTP date) or LangChain's reading of it. */
function retryAfterOf(shape: ProviderErrorShape): number | undefined {
  const headers = shape.headers;
  const header = headers instanceof Headers ? headers.get('retry-after') : headers?.['retry-after'];
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
  }
  return typeof shape.retryAfterMs === 'number' ? Math.ceil(shape.retryAfterMs / 1000) : undefined;
}
