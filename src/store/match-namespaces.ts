import type { ListNamespacesOperation, MatchCondition } from '@langchain/langgraph-checkpoint';
import { compareNamespaces, encodeNamespace } from './namespace-path.ts';

/**
 * The labels every listed namespace must start with: the leading non-wildcard labels of the
 * longest prefix condition. Stores read only that subtree and leave the rest to `selectNamespaces`.
 */
export function literalPrefixOf(conditions: MatchCondition[] | undefined): string[] {
  let longest: string[] = [];
  for (const condition of conditions ?? []) {
    if (condition.matchType !== 'prefix') continue;
    const wildcard = condition.path.indexOf('*');
    const literal = wildcard === -1 ? condition.path : condition.path.slice(0, wildcard);
    if (literal.length > longest.length) longest = literal;
  }
  return longest;
}

/**
 * Applies a list-namespaces operation to candidate namespaces, as InMemoryStore does: every
 * condition must match (`*` matches any one label), then `maxDepth` truncates and merges,
 * then the list is sorted (label by label, parents first) and paged.
 */
export function selectNamespaces(namespaces: string[][], operation: ListNamespacesOperation): string[][] {
  const conditions = operation.matchConditions ?? [];
  let selected = namespaces.filter((namespace) => conditions.every((condition) => matchesCondition(condition, namespace)));
  if (operation.maxDepth !== undefined) {
    const depth = operation.maxDepth;
    const merged = new Map(selected.map((namespace) => namespace.slice(0, depth)).map((namespace) => [encodeNamespace(namespace), namespace]));
    selected = [...merged.values()];
  }
  selected.sort(compareNamespaces);
  const offset = operation.offset ?? 0;
  return selected.slice(offset, offset + (operation.limit ?? selected.length));
}

function matchesCondition(condition: MatchCondition, namespace: string[]): boolean {
  const { path } = condition;
  if (path.length > namespace.length) return false;
  const start = condition.matchType === 'prefix' ? 0 : namespace.length - path.length;
  return path.every((label, position) => label === '*' || label === namespace[start + position]);
}
