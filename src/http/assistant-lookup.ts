import type { AssistantRecord, AssistantVersion } from '../assistants/index.ts';
import { AppError } from '../errors.ts';
import type { GraphEntry } from '../graphs/index.ts';
import type { Services } from '../services.ts';

const startedAt = new Date().toISOString();

/** An assistant as the API shows it (a stored record without its tenant). */
export type PublicAssistant = Omit<AssistantRecord, 'tenant_id'>;

/** A served graph's own assistant: version 1 forever, created when the server started. */
export function builtInAssistant(entry: GraphEntry): PublicAssistant {
  return {
    assistant_id: entry.assistantId,
    graph_id: entry.graphId,
    name: entry.graphId,
    description: entry.description ?? null,
    config: {},
    context: {},
    metadata: { created_by: 'system' },
    version: 1,
    created_at: startedAt,
    updated_at: startedAt,
  };
}

export function publicAssistant<T extends AssistantRecord | AssistantVersion>(record: T): Omit<T, 'tenant_id'> {
  const { tenant_id: _tenant, ...shown } = record;
  return shown;
}

export type FoundAssistant =
  | { builtIn: true; entry: GraphEntry; assistant: PublicAssistant }
  /** `entry` is absent when the graph it names is no longer served. */
  | { builtIn: false; entry: GraphEntry | undefined; record: AssistantRecord; assistant: PublicAssistant };

/** A built-in assistant (by assistant id or graph name), or one the tenant created; 404 otherwise. */
export async function findAssistant(services: Pick<Services, 'catalog' | 'assistants'>, tenantId: string, assistantId: string): Promise<FoundAssistant> {
  const entry = services.catalog.get(assistantId);
  if (entry) return { builtIn: true, entry, assistant: builtInAssistant(entry) };
  const record = await services.assistants.get(tenantId, assistantId);
  if (!record) throw new AppError('NOT_FOUND', `Assistant "${assistantId}" not found`);
  return { builtIn: false, entry: services.catalog.get(record.graph_id), record, assistant: publicAssistant(record) };
}

/** The graph an assistant runs, for its drawing and schemas. */
export function servedGraphOf(found: FoundAssistant): GraphEntry {
  if (!found.entry) throw new AppError('NOT_FOUND', `Assistant "${found.assistant.assistant_id}" names graph "${found.assistant.graph_id}", which this server does not serve`);
  return found.entry;
}
