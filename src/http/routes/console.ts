import { Hono, type Context } from 'hono';
import { consoleBundle } from '../../console/index.ts';
import { AppError } from '../../errors.ts';
import type { AppEnv } from '../app-env.ts';

// The page loads only its own script and stylesheet and talks only to this server.
const contentSecurityPolicy = [
  "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
  "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

const securityHeaders = { 'content-security-policy': contentSecurityPolicy, 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' };

/** Where this app is mounted (`''` at the root, `/agents` under `parent.route('/agents', app)`). */
function mountOf(c: Context): string {
  return c.req.path.replace(/\/console(\/.*)?$/, '');
}

function page(base: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>Overseer console</title><link rel="stylesheet" href="${base}/console/assets/console.css"></head>`
    + `<body><div id="app" data-api-base="${base}"></div><script type="module" src="${base}/console/assets/console.js"></script></body></html>`;
}

/**
 * The operator console: a static page and its bundle, public like `/docs` (they hold no data).
 * Every request the page makes afterwards goes to the API with the caller's credential, under
 * the same authentication and scopes as any client. Screens are routed in the URL's fragment.
 */
export function createConsoleRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/console', (c) => c.html(page(mountOf(c)), 200, { ...securityHeaders, 'cache-control': 'no-cache' }));
  app.get('/console/', (c) => c.redirect(`${mountOf(c)}/console`, 301));
  app.get('/console/assets/:file', async (c) => {
    const bundle = await consoleBundle();
    const file = c.req.param('file');
    if (file === 'console.js') return c.body(bundle.script, 200, { ...securityHeaders, 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
    if (file === 'console.css') return c.body(bundle.styles, 200, { ...securityHeaders, 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' });
    throw new AppError('NOT_FOUND', `No console asset ${file}`);
  });
  return app;
}
