/*
 * Assistants as the LangGraph API serves them: a graph with its own configuration, context,
 * metadata, name and description, versioned. Built-in assistants (one per served graph) are not
 * stored; these are the ones callers create, kept per tenant. Snake_case, like run records:
 * the wire contract and the stored record at once.
 */

export interface AssistantRecord {
  assistant_id: string;
  tenant_id: string;
  graph_id: string;
  name: string;
  description: string | null;
  config: AssistantConfig;
  context: unknown;
  metadata: Record<string, unknown>;
  /** The version the assistant runs now (`POST /assistants/{id}/latest` can move it back). */
  version: number;
  created_at: string;
  updated_at: string;
}

export interface AssistantConfig {
  configurable?: Record<string, unknown>;
  tags?: string[];
  recursion_limit?: number;
  [key: string]: unknown;
}

/** One version, as `POST /assistants/{id}/versions` lists them. */
export type AssistantVersion = Omit<AssistantRecord, 'updated_at'>;

/** What a PATCH may change; each given field replaces the current one (metadata merges). */
export interface AssistantPatch {
  graph_id?: string;
  name?: string;
  description?: string | null;
  config?: AssistantConfig;
  context?: unknown;
  metadata?: Record<string, unknown>;
}

export function versionOf(record: AssistantRecord): AssistantVersion {
  const { updated_at: _updated, ...version } = record;
  return version;
}

/**
 * The next version of an assistant: the patch applied to the current record (metadata merged key
 * by key, as the LangGraph API does), numbered after the highest version there is.
 */
export function patched(current: AssistantRecord, patch: AssistantPatch, highestVersion: number, now: string): AssistantRecord {
  return {
    ...current,
    ...(patch.graph_id === undefined ? {} : { graph_id: patch.graph_id }),
    ...(patch.name === undefined ? {} : { name: patch.name }),
    ...(patch.description === undefined ? {} : { description: patch.description }),
    ...(patch.config === undefined ? {} : { config: patch.config }),
    ...(patch.context === undefined ? {} : { context: patch.context }),
    metadata: patch.metadata === undefined ? current.metadata : { ...current.metadata, ...patch.metadata },
    version: highestVersion + 1,
    updated_at: now,
  };
}

/** The record again as it was at `version` (what `latest` switches to). */
export function atVersion(current: AssistantRecord, version: AssistantVersion, now: string): AssistantRecord {
  return { ...version, tenant_id: current.tenant_id, created_at: current.created_at, updated_at: now };
}
