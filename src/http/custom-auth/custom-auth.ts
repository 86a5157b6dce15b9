import { AppError, type ErrorCode } from '../../errors.ts';

/** What `authenticate` of langgraph.json's `auth.path` made of a request, normalised as the official server does. */
export interface AuthUser extends Record<string, unknown> {
  identity: string;
  display_name: string;
  permissions: string[];
  is_authenticated: boolean;
}

/** Metadata filters an authorization handler returns: `{ key: value }`, `{ key: { $eq } }`, `{ key: { $contains } }`. */
export type AuthFilters = Record<string, unknown>;

export interface AuthorizationRequest {
  resource: 'threads' | 'assistants' | 'crons' | 'store';
  action: string;
  value: Record<string, unknown>;
  user: AuthUser;
}

export interface CustomAuth {
  /** Absent when the module only authorizes (then API keys, JWT or open mode identify callers). */
  authenticate?: (request: Request) => Promise<AuthUser>;
  /**
   * The handler `on` registered for the event (`resource:action`, then `resource`, `*:action`,
   * `*`): its filters (none when it returns true or nothing) and the value it may have changed.
   * A handler returning false refuses the request (403).
   */
  authorize(request: AuthorizationRequest): Promise<{ filters?: AuthFilters; value: Record<string, unknown> }>;
}

interface HandlerCache {
  authenticate?: (request: Request) => unknown;
  callbacks?: Record<string, (payload: Record<string, unknown>) => unknown>;
}

const codeByStatus: Record<number, ErrorCode> = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT', 422: 'UNPROCESSABLE', 429: 'RATE_LIMITED' };

/**
 * A handler's refusal (the SDK's `HTTPException`: status, message, headers) as our error, with
 * its status and words; anything else it throws is an internal error (its text stays in the log).
 */
function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const thrown = error as { status?: unknown; message?: unknown; headers?: unknown } | null;
  if (typeof thrown?.status === 'number' && thrown.status >= 400 && thrown.status < 500) {
    const code = codeByStatus[thrown.status] ?? 'BAD_REQUEST';
    const message = typeof thrown.message === 'string' && thrown.message ? thrown.message : code === 'UNAUTHORIZED' ? 'Unauthorized' : 'The request was refused';
    const headers = thrown.headers && typeof thrown.headers === 'object' ? Object.fromEntries(Object.entries(thrown.headers as Record<string, unknown>).map(([name, value]) => [name, String(value)])) : undefined;
    return new AppError(code, message, { cause: error, headers });
  }
  return new AppError('INTERNAL', 'The auth handler failed', { cause: error });
}

function normalisedUser(result: unknown): AuthUser {
  if (typeof result === 'string') return { identity: result, display_name: result, permissions: [], is_authenticated: true };
  const user = result as Record<string, unknown> | null;
  if (typeof user?.identity !== 'string') {
    throw new AppError('INTERNAL', 'The auth handler returned neither a string nor an object with an identity', { cause: result });
  }
  const permissions = Array.isArray(user.permissions) ? user.permissions.filter((permission): permission is string => typeof permission === 'string') : [];
  return {
    ...user,
    identity: user.identity,
    display_name: typeof user.display_name === 'string' ? user.display_name : user.identity,
    permissions,
    is_authenticated: user.is_authenticated !== false,
  };
}

/**
 * Wrap the `Auth` instance (`@langchain/langgraph-sdk/auth`) a langgraph.json's `auth.path`
 * exports, reading its handlers as the official server does.
 */
export function createCustomAuth(auth: unknown, reference: string): CustomAuth {
  const handlers = (auth as { '~handlerCache'?: HandlerCache } | null)?.['~handlerCache'];
  if (!handlers) throw new AppError('BAD_REQUEST', `"${reference}" (auth.path in langgraph.json) is not an Auth instance of @langchain/langgraph-sdk/auth`);
  const authenticate = handlers.authenticate;
  return {
    ...(authenticate
      ? {
          authenticate: async (request: Request) => {
            let result: unknown;
            try {
              result = await authenticate(request);
            } catch (error) {
              throw asAppError(error);
            }
            return normalisedUser(result);
          },
        }
      : {}),
    async authorize({ resource, action, value, user }) {
      const callbacks = handlers.callbacks ?? {};
      const key = [`${resource}:${action}`, resource, `*:${action}`, '*'].find((candidate) => callbacks[candidate]);
      const handler = key ? callbacks[key] : undefined;
      if (!handler) return { value };
      let result: unknown;
      try {
        result = await handler({ event: `${resource}:${action}`, resource, action, value, permissions: user.permissions, user });
      } catch (error) {
        throw asAppError(error);
      }
      if (result === undefined || result === null || result === true) return { value };
      if (result === false) throw new AppError('FORBIDDEN', `Not allowed to ${action} ${resource}`);
      if (typeof result !== 'object' || Array.isArray(result)) throw new AppError('INTERNAL', 'The authorization handler returned something other than filters, a boolean or nothing', { cause: result });
      return { filters: result as AuthFilters, value };
    },
  };
}
