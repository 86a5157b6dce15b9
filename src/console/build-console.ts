import path from 'node:path';
import { build } from 'esbuild';

/** The console's browser code, bundled: one script and one stylesheet. */
export interface ConsoleBundle {
  script: string;
  styles: string;
}

const entry = path.join(import.meta.dirname, 'app', 'main.tsx');

/**
 * Bundle the console (Preact, Chart.js and our sources under `app/`) in memory with esbuild.
 * Nothing is written to disk and nothing is fetched: every import resolves from node_modules,
 * so a fresh clone serves it after `npm install` alone, and a read-only image serves it too.
 * @example const { script, styles } = await buildConsole();
 */
export async function buildConsole(): Promise<ConsoleBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outdir: 'console-out',
    entryNames: 'console',
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const output = (extension: string) => result.outputFiles.find((file) => file.path.endsWith(extension))?.text ?? '';
  return { script: output('.js'), styles: output('.css') };
}

let bundle: Promise<ConsoleBundle> | undefined;

/** The bundle, built once per process on first use (about a quarter of a second). */
export function consoleBundle(): Promise<ConsoleBundle> {
  bundle ??= buildConsole().catch((error: unknown) => {
    // A failed build is retried on the next request instead of being cached.
    bundle = undefined;
    throw error;
  });
  return bundle;
}
