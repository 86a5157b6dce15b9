const operatorNames = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin']);

/** True when `condition` is an operator object such as `{ $gte: 3 }` (the InMemoryStore rule). */
export function isFilterOperators(condition: unknown): condition is Record<string, unknown> {
  return (
    typeof condition === 'object' &&
    condition !== null &&
    !Array.isArray(condition) &&
    Object.keys(condition).every((name) => operatorNames.has(name))
  );
}

/**
 * Whether an item value passes a search filter. Same semantics as InMemoryStore: keys are
 * top-level fields, a plain condition is strict equality, range operators compare `Number()`s.
 */
export function matchesFilter(value: Record<string, unknown>, filter: Record<string, unknown> | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([field, condition]) => matchesCondition(value[field], condition));
}

function matchesCondition(actual: unknown, condition: unknown): boolean {
  if (!isFilterOperators(condition)) return actual === condition;
  return Object.entries(condition).every(([operator, expected]) => {
    switch (operator) {
      case '$eq':
        return actual === expected;
      case '$ne':
        return actual !== expected;
      case '$gt':
        return Number(actual) > Number(expected);
      case '$gte':
        return Number(actual) >= Number(expected);
      case '$lt':
        return Number(actual) < Number(expected);
      case '$lte':
        return Number(actual) <= Number(expected);
      case '$in':
        return Array.isArray(expected) && expected.includes(actual);
      case '$nin':
        return !Array.isArray(expected) || !expected.includes(actual);
      default:
        return false;
    }
  });
}
