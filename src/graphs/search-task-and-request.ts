import { reciprocalRankFusion, type Retriever, type SearchHit, type SearchMode } from '../retrieval/index.ts';
import { stripInstructions } from './strip-instructions.ts';

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
 * Search with the router's task and with the customer's own request, and fuse the two rankings.
 * Routers reword: "Answer this customer question from the knowledge base, citing the passages:
 * …" buries the question in instruction words, and an order number pulls in other passages, so
 * the task is searched without the instruction words the customer did not use and both without
 * order numbers (`stripInstructions`). The request is what the customer asked, so its hits rank
 * beside the task's. Fusion is reciprocal rank weighted by each ranking's best score: plain RRF
 * rewards two rankings agreeing, but a reworded task's ranking is mostly noise, and passages both
 * noisy lists held pushed the request's best match (0.79) out of the few the retriever keeps.
 * A hit keeps the best backend score either query gave it, so coverage (the score threshold) is
 * decided on whichever wording matched better.
 * @example const hits = await searchTaskAndRequest(retriever, { tenantId, task: state.task, request: state.request, limit: 8 });
 */
export async function searchTaskAndRequest(retriever: Retriever, search: TaskAndRequestSearch): Promise<SearchHit[]> {
  const request = search.request?.trim() ?? '';
  const task = stripInstructions(search.task, { keep: request }) || search.task.trim();
  const queries = [...new Set([task, stripInstructions(request, { keep: request }) || request].filter(Boolean))];
  const rankings = await Promise.all(
    queries.map((query) => retriever.search({ tenantId: search.tenantId, query, limit: search.limit, ...(search.mode ? { mode: search.mode } : {}) })),
  );
  if (rankings.length === 1) return rankings[0]!;
  const best = new Map<string, SearchHit>();
  for (const hit of rankings.flat()) {
    const known = best.get(hit.chunkId);
    if (!known || hit.score > known.score) best.set(hit.chunkId, hit);
  }
  const ids = rankings.map((ranking) => ranking.map((hit) => hit.chunkId));
  const weights = rankings.map((ranking) => ranking[0]?.score ?? 0);
  return reciprocalRankFusion(ids, 60, weights)
    .slice(0, search.limit)
    .map(({ id }) => best.get(id)!);
}
