import type { AssistantRepository } from '../assistants/index.ts';
import { AppError } from '../errors.ts';
import type { GraphCatalog, GraphEntry } from '../graphs/index.ts';
import type { RunKwargs } from './run-records.ts';

export interface ResolvedAssistant {
  /** The graph the run executes. */
  entry: GraphEntry;
  /** What the run record names: a built-in assistant's id, or the caller's assistant's. */
  assistantId: string;
  config: RunKwargs['config'];
  context: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The assistant a run asks for: a built-in one (by assistant id or graph name), or one the
 * tenant created, whose configuration and context the run gets under its own.
 */
export async function resolveAssistant(
  catalog: GraphCatalog,
  assistants: Pick<AssistantRepository, 'get'> | undefined,
  tenantId: string,
  assistantId: string,
): Promise<ResolvedAssistant> {
  const builtIn = catalog.get(assistantId);
  if (builtIn) return { entry: builtIn, assistantId: builtIn.assistantId, config: {}, context: undefined };
  const stored = await assistants?.get(tenantId, assistantId);
  const entry = stored ? catalog.get(stored.graph_id) : undefined;
  if (!stored || !entry) throw new AppError('NOT_FOUND', `Assistant "${assistantId}" not found`);
  return { entry, assistantId: stored.assistant_id, config: stored.config as RunKwargs['config'], context: stored.context };
}

/** A run's config and context over its assistant's: the run's own keys win, `configurable` merges key by key. */
export function underRun(assistant: ResolvedAssistant, config: RunKwargs['config'] | undefined, context: unknown): { config: RunKwargs['config']; context: unknown } {
  const merged = { ...assistant.config, ...config, configurable: { ...assistant.config.configurable, ...config?.configurable } };
  if (context === undefined) return { config: merged, context: assistant.context };
  return { config: merged, context: isRecord(context) && isRecord(assistant.context) ? { ...assistant.context, ...context } : context };
}
