import { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.ts';
import type { Services } from '../services.ts';
import type { AppEnv } from './app-env.ts';
import { errorResponse } from './error-response.ts';
import { accessLog } from './middleware/access-log.ts';
import { authenticate } from './middleware/authenticate.ts';
import { createCustomAuth, customAuthentication, customAuthorization } from './custom-auth/index.ts';
import { httpAppOf } from './mount-http-app.ts';
import { jsonBodyLimits } from './middleware/json-body-limits.ts';
import { createJwtVerifier } from './middleware/jwt-verifier.ts';
import { rateLimit } from './middleware/rate-limit.ts';
import { corsPolicy, isAllowedOrigin } from './middleware/cors-policy.ts';
import { isOpenMode } from './open-mode.ts';
import { requestId } from './middleware/request-id.ts';
import { requestLogContext } from './middleware/request-log-context.ts';
import { traceRequest } from './middleware/trace-request.ts';
import { createApprovalRoutes } from './routes/approvals.ts';
import { createAssistantRoutes } from './routes/assistants.ts';
import { createAuditRoutes } from './routes/audit.ts';
import { createIngestRoutes } from './routes/ingest.ts';
import { createMetricsRoutes } from './routes/metrics.ts';
import { createMcpRoutes } from './routes/mcp.ts';
import { createUsageRoutes } from './routes/usage.ts';
import { createTenantRunRoutes } from './routes/tenant-runs.ts';
import { metaRoutes } from './routes/meta.ts';
import { createRunRoutes } from './routes/runs.ts';
import { createStoreRoutes } from './routes/store.ts';
import { createThreadRoutes } from './routes/threads.ts';
import { createThreadProtocolRoutes } from './routes/thread-protocol.ts';
import { createThreadStreamRoutes } from './routes/thread-stream.ts';
import { createBulkRunRoutes } from './routes/bulk-runs.ts';
import { createCronRoutes } from './routes/crons.ts';
import { createConsoleRoutes } from './routes/console.ts';
import { createThreadPruneRoutes } from './routes/thread-prune.ts';
import { validationHook } from './validation-hook.ts';

const maxBodyBytes = 1024 * 1024;

/**
 * The HTTP surface as a Hono app, in the LangGraph API's shapes so the official SDK and
 * Studio work against it. It holds no state of its own, so another Hono app can mount it:
 * `parent.route('/agents', createApp(services))`.
 */
export function createApp(services: Services) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('*', requestId);
  // A server span per request, in the caller's trace (`traceparent`); only when tracing is on.
  if (services.tracing.enabled) app.use('*', traceRequest);
  app.use('*', requestLogContext);
  app.use('*', accessLog(services.logger));
  // LangGraph Studio and local front ends run in the browser and call this server directly.
  const cors = { origins: services.config.corsOrigins, openMode: isOpenMode(services) };
  app.use('*', corsPolicy(cors));
  app.use('*', async (c, next) => {
    c.set('services', services);
    await next();
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new AppError('PAYLOAD_TOO_LARGE', `Request body exceeds ${maxBodyBytes} bytes`);
      },
    }),
  );
  // langgraph.json's `auth.path`: its `authenticate` (when it has one) says who calls, before keys and JWTs.
  const { auth: authModule, httpApp } = services.langgraphExtensions ?? {};
  const customAuth = authModule && createCustomAuth(authModule.value, authModule.reference);
  if (customAuth) app.use('*', customAuthentication(customAuth));
  app.use('*', authenticate({
    apiKeys: services.config.apiKeys,
    jwt: services.config.jwt && createJwtVerifier(services.config.jwt),
    extraPublicPaths: services.config.observability.metricsPublic ? ['/metrics'] : [],
  }));
  // Right after authentication: a caller over its limit is refused before its body is read.
  app.use('*', rateLimit);
  // After authentication, so an anonymous caller never gets its body read.
  app.use('*', jsonBodyLimits(services.config.jsonLimits));
  // Its `on(...)` handlers narrow what each caller sees and may do (after the body is parsed).
  if (customAuth) app.use('*', customAuthorization(customAuth));
  if (httpApp) app.route('/', httpAppOf(httpApp));
  app.route('/', metaRoutes);
  // MCP clients call the assistants as tools here, authenticated like every route above.
  app.route('/', createMcpRoutes({ customAuth }));
  app.route('/', createConsoleRoutes());
  for (const routes of [
    createAssistantRoutes(),
    createThreadRoutes(),
    createRunRoutes(),
    createCronRoutes(),
    createStoreRoutes(),
    createIngestRoutes(),
    createApprovalRoutes(),
    // Its WebSocket's commands go through the whole app, middleware and all, as HTTP commands do.
    createThreadProtocolRoutes({ dispatch: (request) => app.fetch(request), allowsOrigin: (origin) => isAllowedOrigin(origin, cors) }),
    createThreadStreamRoutes(),
    createBulkRunRoutes(),
    createThreadPruneRoutes(),
    createAuditRoutes(),
    createMetricsRoutes(),
    createUsageRoutes(),
    createTenantRunRoutes(),
  ]) {
    routes.openAPIRegistry.registerComponent('securitySchemes', 'ApiKey', { type: 'apiKey', in: 'header', name: 'x-api-key' });
    if (services.config.jwt) routes.openAPIRegistry.registerComponent('securitySchemes', 'BearerJwt', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    app.route('/', routes);
  }
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Overseer',
      version: '0.1.0',
      description: 'LangGraph API-compatible multi-agent supervisor service. Errors are `{ error: { code, message, details? }, request_id }`.',
    },
    security: [...(services.config.apiKeys.length > 0 ? [{ ApiKey: [] }] : []), ...(services.config.jwt ? [{ BearerJwt: [] }] : [])],
  });
  // The docs page's script is served from the installed package: nothing comes from a CDN.
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'Overseer API', cdn: '/docs/scalar.js' }));
  app.notFound((c) => errorResponse(c, new AppError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => errorResponse(c, error));
  return app;
}
