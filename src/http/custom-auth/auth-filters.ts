import type { AuthFilters } from './custom-auth.ts';

function equals(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

/** Does `metadata` pass the filters (`value` or `{ $eq }` equal; `{ $contains }` an array holding the value or all the values)? */
export function matchesAuthFilters(metadata: Record<string, unknown> | undefined, filters: AuthFilters | undefined): boolean {
  if (!filters) return true;
  return Object.entries(filters).every(([key, condition]) => {
    const actual = metadata?.[key];
    if (condition !== null && typeof condition === 'object' && !Array.isArray(condition)) {
      const operators = condition as { $eq?: unknown; $contains?: unknown };
      if ('$eq' in operators) return equals(actual, operators.$eq);
      if ('$contains' in operators) {
        if (!Array.isArray(actual)) return false;
        const wanted = Array.isArray(operators.$contains) ? operators.$contains : [operators.$contains];
        return wanted.every((item) => actual.some((present) => equals(present, item)));
      }
    }
    return equals(actual, condition);
  });
}

/**
 * The plain equalities among the filters (`key: value`, `key: { $eq }`): what a record created
 * under them is stamped with, so its creator finds it again.
 */
export function equalitiesOf(filters: AuthFilters | undefined): Record<string, unknown> {
  const stamped: Record<string, unknown> = {};
  for (const [key, condition] of Object.entries(filters ?? {})) {
    if (condition !== null && typeof condition === 'object' && !Array.isArray(condition)) {
      if ('$eq' in condition) stamped[key] = (condition as { $eq: unknown }).$eq;
    } else {
      stamped[key] = condition;
    }
  }
  return stamped;
}
