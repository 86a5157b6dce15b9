/** Does `scopes` grant `scope`: itself, `*`, or `<resource>:*` (the rule `requireScope` applies)? */
function grants(scopes: string[], scope: string): boolean {
  const [resource] = scope.split(':');
  return scopes.includes('*') || scopes.includes(scope) || scopes.includes(`${resource}:*`);
}

/**
 * The scopes both sets grant (null: every scope), so a cron acts with no more than any caller
 * who shaped it: `['runs:*']` and `['runs:write', 'orders:read']` give `['runs:write']`.
 */
export function narrowScopes(left: string[] | null, right: string[] | null): string[] | null {
  if (left === null) return right;
  if (right === null) return left;
  const kept = [...left.filter((scope) => grants(right, scope)), ...right.filter((scope) => grants(left, scope))];
  return [...new Set(kept)].sort();
}
