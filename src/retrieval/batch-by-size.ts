export interface BatchLimits {
  /** Largest serialised size of one batch, in bytes. */
  maxBytes: number;
  /** Most items in one batch. */
  maxItems: number;
}

/**
 * Split items into consecutive batches that each stay under both limits, measuring an item
 * by the UTF-8 length of its JSON. A single item larger than `maxBytes` goes alone in its own
 * batch, so the server rather than this function decides whether it is too large.
 * @example batchBySize(points, { maxBytes: 8 * 1024 * 1024, maxItems: 256 })
 */
export function batchBySize<T>(items: readonly T[], limits: BatchLimits): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const item of items) {
    // +1 for the comma between array elements.
    const bytes = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (current.length > 0 && (currentBytes + bytes > limits.maxBytes || current.length >= limits.maxItems)) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
