import type { Context, Next } from 'hono';
import { createMiddleware } from 'hono/factory';
import { AppError } from '../../errors.ts';
import type { AppEnv } from '../app-env.ts';
import { findAssistant } from '../assistant-lookup.ts';
import { equalitiesOf, matchesAuthFilters } from './auth-filters.ts';
import type { AuthFilters, AuthorizationRequest, CustomAuth } from './custom-auth.ts';
import { authUserOf } from './custom-authentication.ts';

type Body = Record<string, unknown>;

function isRecord(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function bodyOf(c: Context<AppEnv>): Promise<Body | undefined> {
  try {
    const body: unknown = await c.req.json();
    return isRecord(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

/** The body the route's validator reads from now on (the JSON middleware parsed it once). */
function replaceBody(c: Context<AppEnv>, body: Body) {
  c.req.json = (async () => body) as typeof c.req.json;
}

function pick(body: Body | undefined, keys: string[]): Body {
  return Object.fromEntries(keys.filter((key) => body?.[key] !== undefined).map((key) => [key, body![key]]));
}

const hasOperators = (filters: AuthFilters | undefined) => Object.keys(filters ?? {}).length > Object.keys(equalitiesOf(filters)).length;

/**
 * A search narrowed to what the filters allow: their equalities join the request's metadata
 * filter (so paging stays right); a request asking for another value of the same key finds none.
 */
function narrowed(body: Body, filters: AuthFilters | undefined): Body | undefined {
  const equalities = equalitiesOf(filters);
  const asked = isRecord(body.metadata) ? body.metadata : {};
  for (const [key, value] of Object.entries(equalities)) {
    if (key in asked && JSON.stringify(asked[key]) !== JSON.stringify(value)) return undefined;
  }
  return Object.keys(equalities).length === 0 ? body : { ...body, metadata: { ...asked, ...equalities } };
}

const threadCollection = new Set(['search', 'count', 'prune']);
const assistantCollection = new Set(['search', 'count']);

function threadAction(method: string, rest: string, body: Body | undefined): string {
  if (method === 'GET') return 'read';
  if (method === 'DELETE') return 'delete';
  if (method === 'PATCH') return 'update';
  if (/^\/runs(\/stream|\/wait)?$/.test(rest)) return 'create_run';
  if (rest === '/commands') return body?.method === 'run.start' || body?.method === 'input.respond' ? 'create_run' : 'read';
  if (rest === '/state' || /^\/runs\/[^/]+\/cancel$/.test(rest)) return 'update';
  return 'read';
}

function assistantAction(method: string, rest: string): string {
  if (method === 'DELETE') return 'delete';
  if (method === 'PATCH' || rest === '/latest') return 'update';
  return 'read';
}

const storeActions: Record<string, string> = {
  'PUT /store/items': 'put',
  'GET /store/items': 'get',
  'DELETE /store/items': 'delete',
  'POST /store/items/search': 'search',
  'POST /store/namespaces': 'list_namespaces',
};

/**
 * langgraph.json's authorization handlers (`auth.on(...)` of `@langchain/langgraph-sdk/auth`)
 * over Overseer's routes, as the official server applies them: a handler returning false refuses
 * (403); the metadata filters it returns hide threads and assistants that do not match (404, and
 * left out of searches and counts) and are stamped into the metadata of what the caller
 * creates, so its creator finds it again. This runs after authentication and Overseer's own
 * scopes still apply in the routes: the handlers can only narrow what a caller may do.
 */
export function customAuthorization(auth: CustomAuth) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const segments = c.req.path.split('/').filter(Boolean).map(decodeURIComponent);
    const [resource, id] = segments;
    const rest = `/${segments.slice(2).join('/')}`.replace(/\/$/, '');
    const method = c.req.method;
    const ask = (request: Omit<AuthorizationRequest, 'user'>) => auth.authorize({ ...request, user: authUserOf(c.var.caller) });
    if (resource === 'threads') {
      if (id === undefined || threadCollection.has(id)) return threadCollectionRoute(c, next, ask, id);
      return threadRoute(c, next, ask, id, rest);
    }
    if (resource === 'assistants') {
      if (id === undefined || assistantCollection.has(id)) return assistantCollectionRoute(c, next, ask, id);
      const { filters } = await ask({ resource: 'assistants', action: assistantAction(method, rest), value: { assistant_id: id, ...pick(await bodyOf(c), ['metadata', 'graph_id', 'config', 'name', 'version']) } });
      const found = await findAssistant(c.var.services, c.var.caller.tenantId, id);
      if (!matchesAuthFilters(found.assistant.metadata, filters)) throw new AppError('NOT_FOUND', `Assistant "${id}" not found`);
      return next();
    }
    if (resource === 'runs') return statelessRunRoute(c, next, ask, id);
    const storeAction = storeActions[`${method} ${c.req.path}`];
    if (storeAction) await ask({ resource: 'store', action: storeAction, value: (await bodyOf(c)) ?? c.req.query() });
    return next();
  });
}

type Ask = (request: Omit<AuthorizationRequest, 'user'>) => ReturnType<CustomAuth['authorize']>;

async function threadRoute(c: Context<AppEnv>, next: Next, ask: Ask, threadId: string, rest: string) {
  const { repository } = c.var.services;
  const { tenantId } = c.var.caller;
  const body = await bodyOf(c);
  const action = threadAction(c.req.method, rest, body);
  const runId = /^\/runs\/([^/]+)/.exec(rest)?.[1];
  const { filters } = await ask({
    resource: 'threads',
    action,
    value: { thread_id: threadId, ...(runId ? { run_id: runId } : {}), ...pick(body, ['assistant_id', 'metadata', 'input', 'command', 'config']) },
  });
  const thread = await repository.getThread(tenantId, threadId);
  if (thread && !matchesAuthFilters(thread.metadata, filters)) throw new AppError('NOT_FOUND', `Thread ${threadId} not found`);
  if (thread || action !== 'create_run') return next();
  // A run about to create its thread (if_not_exists, the thread protocol): the thread is
  // stamped as POST /threads would stamp it.
  const created = await ask({ resource: 'threads', action: 'create', value: { thread_id: threadId, metadata: {} } });
  const stamps = { ...(isRecord(created.value.metadata) ? created.value.metadata : {}), ...equalitiesOf(created.filters), ...equalitiesOf(filters) };
  await next();
  if (Object.keys(stamps).length > 0 && (await repository.getThread(tenantId, threadId))) await repository.updateThread(tenantId, threadId, { metadata: stamps });
}

async function threadCollectionRoute(c: Context<AppEnv>, next: Next, ask: Ask, id: string | undefined) {
  const { repository } = c.var.services;
  const { tenantId } = c.var.caller;
  const body = (await bodyOf(c)) ?? {};
  if (id === undefined) {
    if (c.req.method !== 'POST') return next();
    const { filters, value } = await ask({ resource: 'threads', action: 'create', value: { ...pick(body, ['thread_id', 'if_exists']), metadata: { ...(isRecord(body.metadata) ? body.metadata : {}) } } });
    const existing = typeof body.thread_id === 'string' ? await repository.getThread(tenantId, body.thread_id) : undefined;
    if (existing && !matchesAuthFilters(existing.metadata, filters)) throw new AppError('CONFLICT', `Thread ${body.thread_id} already exists`);
    replaceBody(c, { ...body, metadata: { ...(isRecord(value.metadata) ? value.metadata : {}), ...equalitiesOf(filters) } });
    return next();
  }
  if (id === 'prune') {
    const threadIds = Array.isArray(body.thread_ids) ? body.thread_ids.filter((threadId): threadId is string => typeof threadId === 'string') : [];
    const { filters } = await ask({ resource: 'threads', action: 'delete', value: { thread_ids: threadIds } });
    const allowed: string[] = [];
    for (const threadId of threadIds) {
      const thread = await repository.getThread(tenantId, threadId);
      if (!thread || matchesAuthFilters(thread.metadata, filters)) allowed.push(threadId);
    }
    if (allowed.length === 0) return c.json({ pruned_count: 0 }, 200);
    replaceBody(c, { ...body, thread_ids: allowed });
    return next();
  }
  const { filters } = await ask({ resource: 'threads', action: 'search', value: pick(body, ['ids', 'status', 'metadata', 'values', 'limit', 'offset']) });
  const search = narrowed(body, filters);
  if (!search) return c.json(id === 'count' ? 0 : [], 200);
  replaceBody(c, search);
  if (!hasOperators(filters)) return next();
  // Filters beyond equality (`$contains`) are applied to what the search found.
  if (id === 'count') {
    const all = await repository.searchThreads(tenantId, { metadata: search.metadata as Body | undefined, status: search.status as never, limit: 100_000, offset: 0, sortBy: 'created_at', sortOrder: 'desc' });
    return c.json(all.filter((thread) => matchesAuthFilters(thread.metadata, filters)).length, 200);
  }
  await next();
  await keepMatching(c, filters);
}

async function assistantCollectionRoute(c: Context<AppEnv>, next: Next, ask: Ask, id: string | undefined) {
  const body = (await bodyOf(c)) ?? {};
  if (id === undefined) {
    if (c.req.method !== 'POST') return next();
    const { filters, value } = await ask({
      resource: 'assistants',
      action: 'create',
      value: { ...pick(body, ['assistant_id', 'graph_id', 'config', 'context', 'if_exists', 'name', 'description']), metadata: { ...(isRecord(body.metadata) ? body.metadata : {}) } },
    });
    replaceBody(c, { ...body, metadata: { ...(isRecord(value.metadata) ? value.metadata : {}), ...equalitiesOf(filters) } });
    return next();
  }
  const { filters } = await ask({ resource: 'assistants', action: 'search', value: pick(body, ['graph_id', 'metadata', 'limit', 'offset']) });
  const search = narrowed(body, filters);
  if (!search) return c.json(id === 'count' ? 0 : [], 200);
  replaceBody(c, search);
  if (!hasOperators(filters)) return next();
  if (id === 'count') throw new AppError('UNPROCESSABLE', 'Counting assistants under $contains filters is not supported; search them instead');
  await next();
  await keepMatching(c, filters);
}

async function statelessRunRoute(c: Context<AppEnv>, next: Next, ask: Ask, id: string | undefined) {
  const body = await bodyOf(c);
  if (id === 'cancel') {
    const { filters } = await ask({ resource: 'threads', action: 'update', value: { ...pick(body, ['thread_id', 'run_ids', 'status']), action: c.req.query('action') ?? 'interrupt' } });
    const { services, caller } = c.var;
    const threadIds = new Set<string>(typeof body?.thread_id === 'string' ? [body.thread_id] : []);
    for (const runId of Array.isArray(body?.run_ids) ? body.run_ids : []) {
      const run = typeof runId === 'string' ? await services.runs.get(caller.tenantId, runId) : undefined;
      if (run) threadIds.add(run.thread_id);
    }
    for (const threadId of threadIds) {
      const thread = await services.repository.getThread(caller.tenantId, threadId);
      if (thread && !matchesAuthFilters(thread.metadata, filters)) throw new AppError('NOT_FOUND', `Thread ${threadId} not found`);
    }
    return next();
  }
  // A stateless run's thread is its own and temporary: the handler may refuse, nothing to filter.
  await ask({ resource: 'threads', action: c.req.method === 'GET' ? 'read' : 'create_run', value: pick(body, ['assistant_id', 'metadata', 'input', 'config']) });
  return next();
}

/** Leave out of a JSON list response the records the filters hide. */
async function keepMatching(c: Context<AppEnv>, filters: AuthFilters | undefined) {
  if (c.res.status !== 200) return;
  const listed: unknown = await c.res.clone().json();
  if (!Array.isArray(listed)) return;
  const kept = listed.filter((record) => matchesAuthFilters((record as { metadata?: Body }).metadata, filters));
  c.res = new Response(JSON.stringify(kept), { status: 200, headers: c.res.headers });
}
