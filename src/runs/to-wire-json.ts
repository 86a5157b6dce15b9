/**
 * JSON for clients: LangChain messages become their plain dict form (`{ type, content, ... }`,
 * as the LangGraph API sends them) instead of LangChain's constructor serialisation.
 */
export function toWireJson(value: unknown): string {
  return JSON.stringify(value, function replacer(key, current) {
    const raw = (this as Record<string, unknown>)[key];
    if (raw !== null && typeof raw === 'object' && typeof (raw as { toDict?: unknown }).toDict === 'function') {
      const { type, data } = (raw as { toDict(): { type: string; data: Record<string, unknown> } }).toDict();
      return { ...data, type };
    }
    return current;
  });
}

/** Plain data for an object we return whole (e.g. the body of `/runs/wait`). */
export function toWireValue<T = unknown>(value: unknown): T {
  const json = toWireJson(value);
  return (json === undefined ? null : JSON.parse(json)) as T;
}
