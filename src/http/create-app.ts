import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.ts';
import type { Services } from '../services.ts';
import type { AppEnv } from './app-env.ts';
import { errorResponse } from './error-response.ts';
import { requestId } from './middleware/request-id.ts';
import { metaRoutes } from './routes/meta.ts';
import { statelessRunRoutes } from './routes/stateless-runs.ts';

const maxBodyBytes = 1024 * 1024;

/**
 * The HTTP surface as a Hono app. It holds no state of its own, so another Hono app can
 * mount it: `parent.route('/agents', createApp(services))`.
 */
export function createApp(services: Services) {
  const app = new Hono<AppEnv>();
  app.use('*', requestId);
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
  app.route('/', metaRoutes);
  app.route('/', statelessRunRoutes);
  app.notFound((c) => errorResponse(c, new AppError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => errorResponse(c, error));
  return app;
}
