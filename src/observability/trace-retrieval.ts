import { SpanKind } from '@opentelemetry/api';
import type { SearchHit, SearchRequest } from '../retrieval/index.ts';
import { genAiAttributes, genAiOperations, overseerAttributes } from './gen-ai-attributes.ts';
import { failSpan, overseerTracer } from './overseer-tracer.ts';
import { tracingSettings } from './tracing-settings.ts';

/**
 * Run one knowledge-base search inside a `retrieval {data source}` span: the mode, the limit,
 * how many hits and the top score; the query and the hits (document, chunk, score) only when
 * content capture is on.
 * @example const hits = await traceRetrieval('knowledge_base', request, () => retriever.search(request));
 */
export async function traceRetrieval(dataSource: string, request: SearchRequest, search: () => Promise<SearchHit[]>): Promise<SearchHit[]> {
  const { captureContent } = tracingSettings();
  return overseerTracer().startActiveSpan(`${genAiOperations.retrieval} ${dataSource}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      [genAiAttributes.operationName]: genAiOperations.retrieval,
      [genAiAttributes.dataSourceId]: dataSource,
      [overseerAttributes.tenant]: request.tenantId,
      'overseer.retrieval.mode': request.mode ?? 'hybrid',
      'overseer.retrieval.limit': request.limit ?? 5,
      ...(captureContent ? { [genAiAttributes.retrievalQueryText]: request.query } : {}),
    },
  }, async (span) => {
    try {
      const hits = await search();
      span.setAttributes({
        [overseerAttributes.retrievalHits]: hits.length,
        ...(hits[0] ? { [overseerAttributes.retrievalTopScore]: hits[0].score } : {}),
      });
      if (captureContent) {
        span.setAttribute(genAiAttributes.retrievalDocuments, JSON.stringify(hits.map((hit) => ({ id: hit.chunkId, score: hit.score }))));
      }
      return hits;
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
