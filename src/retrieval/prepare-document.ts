import { createHash } from 'node:crypto';
import { chunkDocument } from './chunk-document.ts';
import type { ChunkOptions, DocumentChunk } from './chunk-document.ts';
import type { SourceDocument } from './retriever.ts';

/** A document chunked and hashed, ready to be compared with what an index holds. */
export interface PreparedDocument {
  document: SourceDocument;
  chunks: DocumentChunk[];
  /** sha256 over the chunk hashes and the metadata: equal means nothing to write. */
  hash: string;
}

/**
 * Chunk a document and hash the result. Every backend compares these hashes with what it
 * stored, so re-ingesting an unchanged document writes nothing anywhere.
 */
export async function prepareDocument(document: SourceDocument, options?: ChunkOptions): Promise<PreparedDocument> {
  const chunks = await chunkDocument(document, options);
  const hash = createHash('sha256')
    .update(JSON.stringify([chunks.map((chunk) => chunk.hash), document.metadata ?? {}]))
    .digest('hex');
  return { document, chunks, hash };
}

/** The text a chunk is embedded from: its heading path, then its body. */
export function embeddingText(chunk: DocumentChunk): string {
  return [chunk.headings.join(' > '), chunk.text].join('\n\n');
}
