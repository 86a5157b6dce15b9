import type { SQLInputValue } from 'node:sqlite';
import { isFilterOperators } from './match-filter.ts';
import { namespaceRangeOf } from './namespace-path.ts';

/** SQL conditions over `store_items` and their parameters. */
export interface SqlConditions {
  clauses: string[];
  parameters: SQLInputValue[];
}

/** The namespace subtree under `prefix` as a range over the primary key; nothing for the root. */
export function namespacePrefixConditions(prefix: string[]): SqlConditions {
  if (prefix.length === 0) return { clauses: [], parameters: [] };
  const range = namespaceRangeOf(prefix);
  return { clauses: ['(namespace = ? OR (namespace >= ? AND namespace < ?))'], parameters: [range.exact, range.lower, range.upper] };
}

/**
 * Translates the parts of a search filter that SQL can decide exactly like `matchesFilter`:
 * equality and `$ne` against a string, finite number, boolean or null, on a field whose name
 * is safe to quote in a JSON path. `complete` is false when anything was left out; the store
 * then checks the whole filter in JS before paging. Range operators stay in JS because their
 * `Number()` coercion of strings and booleans has no faithful SQL form.
 */
export function filterConditions(filter: Record<string, unknown> | undefined): SqlConditions & { complete: boolean } {
  const result = { clauses: [] as string[], parameters: [] as SQLInputValue[], complete: true };
  for (const [field, condition] of Object.entries(filter ?? {})) {
    const parts = isFilterOperators(condition) ? Object.entries(condition) : [['$eq', condition] as const];
    for (const [operator, expected] of parts) {
      const equality = /["\\]/.test(field) ? undefined : equalityClause(`$."${field}"`, expected);
      if (!equality || (operator !== '$eq' && operator !== '$ne')) {
        result.complete = false;
        continue;
      }
      result.clauses.push(operator === '$eq' ? equality.clause : `NOT ${equality.clause}`);
      result.parameters.push(...equality.parameters);
    }
  }
  return result;
}

function equalityClause(path: string, expected: unknown): { clause: string; parameters: SQLInputValue[] } | undefined {
  // json_type tells JSON true from 1 and "1" from 1, which strict equality in JS distinguishes too.
  const typeOf = 'json_type(value, ?)';
  if (typeof expected === 'string') {
    return { clause: `COALESCE(${typeOf} = 'text' AND json_extract(value, ?) = ?, 0)`, parameters: [path, path, expected] };
  }
  if (typeof expected === 'number' && Number.isFinite(expected)) {
    return { clause: `COALESCE(${typeOf} IN ('integer', 'real') AND json_extract(value, ?) = ?, 0)`, parameters: [path, path, expected] };
  }
  if (typeof expected === 'boolean') return { clause: `COALESCE(${typeOf} = ?, 0)`, parameters: [path, String(expected)] };
  if (expected === null) return { clause: `COALESCE(${typeOf} = 'null', 0)`, parameters: [path] };
  return undefined;
}
