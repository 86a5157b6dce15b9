import { readFile } from 'node:fs/promises';
import type { Context } from 'hono';

let script: Promise<string> | undefined;

/** The API reference's browser bundle, from the installed `@scalar/api-reference`, read once. */
function scalarBundle(): Promise<string> {
  script ??= readFile(new URL('./browser/standalone.js', import.meta.resolve('@scalar/api-reference')), 'utf8');
  return script;
}

/** `GET /docs/scalar.js`: served locally so `/docs` works offline. */
export async function serveScalarBundle(c: Context) {
  return c.body(await scalarBundle(), 200, {
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': 'public, max-age=86400',
  });
}
