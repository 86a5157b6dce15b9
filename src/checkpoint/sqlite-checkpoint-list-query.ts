import { isDeepStrictEqual } from 'node:util';
import type { SQLInputValue } from 'node:sqlite';
import type { RunnableConfig } from '@langchain/core/runnables';
import type { CheckpointListOptions } from '@langchain/langgraph-checkpoint';
import { checkpointColumns } from './sqlite-checkpoint-statements.ts';
import { tenantOf } from './checkpoint-tenant.ts';

export interface ListQuery {
  sql: string;
  parameters: SQLInputValue[];
  /** Filter entries SQL can only narrow down (objects, arrays): check these on the decoded metadata. */
  deepFilter: [string, unknown][];
  /** The limit still to apply while reading, when SQL could not apply it. */
  remainingLimit: number | undefined;
}

const hasKey = 'SELECT 1 FROM json_each(metadata) AS m WHERE m.key = ?';
// How the JSON-plus serializer writes an explicit `undefined`; it counts as absent.
const undefinedMarker = `'{"lc":2,"type":"undefined"}'`;

// One metadata filter entry as SQL over the stored JSON. json_each compares top-level
// keys exactly, whatever characters they hold, with no JSON path quoting to get wrong.
function metadataCondition(key: string, value: unknown): { clause: string; parameters: SQLInputValue[] } {
  if (value === undefined) {
    return { clause: `NOT EXISTS (${hasKey} AND m.value IS NOT ${undefinedMarker})`, parameters: [key] };
  }
  if (value === null) return { clause: `EXISTS (${hasKey} AND m.type = 'null')`, parameters: [key] };
  if (typeof value === 'boolean') {
    return { clause: `EXISTS (${hasKey} AND m.type = '${value ? 'true' : 'false'}')`, parameters: [key] };
  }
  if (typeof value === 'string') {
    return { clause: `EXISTS (${hasKey} AND m.type = 'text' AND m.atom = ?)`, parameters: [key, value] };
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return {
      clause: `EXISTS (${hasKey} AND m.type IN ('integer', 'real') AND m.atom = ?)`,
      parameters: [key, value],
    };
  }
  const type = Array.isArray(value) ? 'array' : 'object';
  return { clause: `EXISTS (${hasKey} AND m.type = '${type}')`, parameters: [key] };
}

/**
 * Build the `list` select: always one tenant's checkpoints (`tenantOf(config)`), of the thread
 * and namespace when given (all of them otherwise),
 * an exact checkpoint id, `before`, and the metadata `filter`, newest first.
 */
export function buildListQuery(config: RunnableConfig, options: CheckpointListOptions = {}): ListQuery {
  const conditions: string[] = ['tenant_id = ?'];
  const parameters: SQLInputValue[] = [tenantOf(config)];
  const { thread_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpointId } = config.configurable ?? {};
  if (threadId !== undefined && threadId !== null && threadId !== '') {
    conditions.push('thread_id = ?');
    parameters.push(String(threadId));
  }
  if (namespace !== undefined && namespace !== null) {
    conditions.push('checkpoint_ns = ?');
    parameters.push(String(namespace));
  }
  if (checkpointId) {
    conditions.push('checkpoint_id = ?');
    parameters.push(String(checkpointId));
  }
  const beforeId = options.before?.configurable?.checkpoint_id;
  if (beforeId) {
    conditions.push('checkpoint_id < ?');
    parameters.push(String(beforeId));
  }
  const deepFilter: [string, unknown][] = [];
  for (const [key, value] of Object.entries(options.filter ?? {})) {
    const condition = metadataCondition(key, value);
    conditions.push(condition.clause);
    parameters.push(...condition.parameters);
    if (value !== null && typeof value === 'object') deepFilter.push([key, value]);
  }

  const where = `WHERE ${conditions.join(' AND ')}`;
  let sql = `SELECT ${checkpointColumns} FROM checkpoint_checkpoints ${where}
    ORDER BY checkpoint_id DESC, thread_id, checkpoint_ns`;
  const limit = options.limit === undefined ? undefined : Math.max(0, Math.floor(options.limit));
  if (limit !== undefined && deepFilter.length === 0) {
    sql += ' LIMIT ?';
    parameters.push(limit);
    return { sql, parameters, deepFilter, remainingLimit: undefined };
  }
  return { sql, parameters, deepFilter, remainingLimit: limit };
}

/** Whether decoded metadata equals every object or array value of the filter. */
export function matchesDeepFilter(metadata: Record<string, unknown>, deepFilter: [string, unknown][]): boolean {
  return deepFilter.every(([key, value]) => isDeepStrictEqual(metadata[key], value));
}
