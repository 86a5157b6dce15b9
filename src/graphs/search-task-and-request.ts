import { reciprocalRankFusion, type Retriever, type SearchHit, type SearchMode } from '../retrieval/index.ts';

export interface TaskAndRequestSearch {
  tenantId: string;
  /** The task as the router worded it. */
  task: string;
  /** The customer's own words, when the task came from a request. */
  request?: string;
  limit: number;
  mode?: SearchMode;
}

/**
 * Search with the router's task and with the customer's own request, fused by reciprocal rank.
 * Routers reword: "Answer this customer question from the knowledge base, citing the passages:
 * …" buries the question in instruction words, and an order number in the task pulls in other
 * passages. The request is what the customer asked, so its hits rank beside the task's. A hit
 * keeps the best backend score either query gave it, so coverage (the score threshold) is decided
 * on whichever wording matched better.
 * @example const hits = await searchTaskAndRequest(retriever, { tenantId, task: state.task, request: state.request, limit: 8 });
 */
export async function searchTaskAndRequest(retriever: Retriever, search: TaskAndRequestSearch): Promise<SearchHit[]> {
  const request = search.request?.trim();
  const queries = request && request !== search.task.trim() ? [search.task, request] : [search.task];
  const rankings = await Promise.all(
    queries.map((query) => retriever.search({ tenantId: search.tenantId, query, limit: search.limit, ...(search.mode ? { mode: search.mode } : {}) })),
  );
  if (rankings.length === 1) return rankings[0]!;
  const best = new Map<string, SearchHit>();
  for (const hit of rankings.flat()) {
    const known = best.get(hit.chunkId);
    if (!known || hit.score > known.score) best.set(hit.chunkId, hit);
  }
  return reciprocalRankFusion(rankings.map((ranking) => ranking.map((hit) => hit.chunkId)))
    .slice(0, search.limit)
    .map(({ id }) => best.get(id)!);
}
