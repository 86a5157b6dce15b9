/**
 * Namespaces are stored as their labels joined by ".". `validateNamespace` forbids "." in a
 * label, so the encoding is reversible, and every namespace under prefix `p` sorts between
 * `p.` and `p/` ("/" is the byte after "."): one index range reads a subtree and nothing else.
 */
const separator = '.';

export function encodeNamespace(namespace: string[]): string {
  return namespace.join(separator);
}

export function decodeNamespace(encoded: string): string[] {
  return encoded.split(separator);
}

/** The exact namespace and the half-open range [lower, upper) of its descendants. */
export interface NamespaceRange {
  exact: string;
  lower: string;
  upper: string;
}

export function namespaceRangeOf(prefix: string[]): NamespaceRange {
  const exact = encodeNamespace(prefix);
  return { exact, lower: `${exact}.`, upper: `${exact}/` };
}

/** One string per item; labels cannot hold NUL, so the first NUL ends the namespace. */
export function itemIdOf(namespace: string[], key: string): string {
  return `${encodeNamespace(namespace)}\u0000${key}`;
}

/** Label-wise code-point order, so a parent sorts right before its children. */
export function compareNamespaces(left: string[], right: string[]): number {
  const length = Math.min(left.length, right.length);
  for (let position = 0; position < length; position += 1) {
    const a = left[position] as string;
    const b = right[position] as string;
    if (a !== b) return a < b ? -1 : 1;
  }
  return left.length - right.length;
}
