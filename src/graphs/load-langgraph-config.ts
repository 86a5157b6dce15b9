import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { AnyCompiledGraph } from './graph-catalog.ts';

const langgraphConfigSchema = z.object({
  graphs: z.record(z.string(), z.union([z.string(), z.object({ path: z.string(), description: z.string().optional() })])),
  auth: z.object({ path: z.string().optional() }).passthrough().optional(),
  http: z.object({ app: z.string().optional() }).passthrough().optional(),
});

/** A module export langgraph.json names (`"./file.ts:export"`), loaded; the HTTP layer checks what it is. */
export interface LoadedExport {
  reference: string;
  value: unknown;
}

async function importExport(directory: string, reference: string): Promise<unknown> {
  const [file, exportName = 'default'] = reference.split(':');
  const module = await import(pathToFileURL(path.resolve(directory, file!)).href);
  return module[exportName];
}

function isCompiled(candidate: unknown): boolean {
  return typeof candidate === 'object' && candidate !== null && 'invoke' in candidate && 'getState' in candidate;
}

/**
 * Load the graphs a `langgraph.json` names (`"./file.ts:export"`), so teams can point
 * Overseer at an existing LangGraph project. Exports may be compiled graphs, uncompiled
 * StateGraphs, or (async) factories taking a config, as the LangGraph CLI allows.
 */
export async function loadLangGraphConfig(
  configPath: string,
): Promise<{ graphs: Record<string, AnyCompiledGraph>; descriptions: Record<string, string>; auth?: LoadedExport; httpApp?: LoadedExport }> {
  let parsed;
  try {
    parsed = langgraphConfigSchema.parse(JSON.parse(await readFile(configPath, 'utf8')));
  } catch (error) {
    throw new AppError('BAD_REQUEST', `Cannot read graphs from ${configPath}`, { cause: error });
  }
  const directory = path.dirname(configPath);
  const graphs: Record<string, AnyCompiledGraph> = {};
  const descriptions: Record<string, string> = {};
  for (const [graphId, spec] of Object.entries(parsed.graphs)) {
    const reference = typeof spec === 'string' ? spec : spec.path;
    if (typeof spec !== 'string' && spec.description) descriptions[graphId] = spec.description;
    let exported = (await importExport(directory, reference)) as AnyCompiledGraph;
    if (typeof exported === 'function' && !isCompiled(exported)) exported = await exported({ configurable: {} });
    if (exported && typeof exported.compile === 'function' && !isCompiled(exported)) exported = exported.compile();
    if (!isCompiled(exported)) {
      throw new AppError('BAD_REQUEST', `"${reference}" in ${configPath} is not a LangGraph graph`);
    }
    graphs[graphId] = exported;
  }
  // `auth.path` (an Auth instance of @langchain/langgraph-sdk/auth) and `http.app` (a Hono app), as `langgraph dev` reads them.
  const auth = parsed.auth?.path ? { reference: parsed.auth.path, value: await importExport(directory, parsed.auth.path) } : undefined;
  const httpApp = parsed.http?.app ? { reference: parsed.http.app, value: await importExport(directory, parsed.http.app) } : undefined;
  return { graphs, descriptions, ...(auth ? { auth } : {}), ...(httpApp ? { httpApp } : {}) };
}
