import type { Retriever } from '../retrieval/index.ts';
import type { Metrics } from './create-metrics.ts';
import { traceRetrieval } from './trace-retrieval.ts';

/**
 * The retriever, with each search timed into `overseer_retrieval_duration_seconds` (outcome ok
 * or error) and traced as a `retrieval` span; everything else passes through unchanged.
 * @example const retriever = timeRetriever(createSqliteRetriever({ database, embeddings }), metrics);
 */
export function timeRetriever(retriever: Retriever, metrics: Metrics): Retriever {
  return {
    upsertDocuments: (tenantId, documents) => retriever.upsertDocuments(tenantId, documents),
    deleteDocuments: (tenantId, documentIds) => retriever.deleteDocuments(tenantId, documentIds),
    listDocumentIds: (tenantId, filter) => retriever.listDocumentIds(tenantId, filter),
    ...(retriever.generation ? { generation: (tenantId: string) => retriever.generation!(tenantId) } : {}),
    async search(request) {
      const started = performance.now();
      let outcome = 'error';
      try {
        const hits = await traceRetrieval('knowledge_base', request, () => retriever.search(request));
        outcome = 'ok';
        return hits;
      } finally {
        metrics.retrieval({ outcome, durationSeconds: (performance.now() - started) / 1_000 });
      }
    },
    get capabilities() {
      return retriever.capabilities;
    },
    close: () => retriever.close(),
  };
}
