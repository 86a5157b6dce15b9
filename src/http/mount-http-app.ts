import type { Hono } from 'hono';
import { AppError } from '../errors.ts';
import type { LoadedExport } from '../graphs/index.ts';

/**
 * langgraph.json's `http.app`: a Hono app whose routes are served beside the API (before it, as
 * `langgraph dev` mounts it, so it may add paths but the API's middleware — authentication,
 * limits, JSON bodies — applies to them too).
 */
export function httpAppOf(loaded: LoadedExport): Hono {
  const app = loaded.value as Partial<Hono> | null | undefined;
  if (typeof app?.fetch !== 'function' || typeof app.route !== 'function' || !Array.isArray(app.routes)) {
    throw new AppError('BAD_REQUEST', `"${loaded.reference}" (http.app in langgraph.json) is not a Hono app`);
  }
  return app as Hono;
}
