import { createHash } from 'node:crypto';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import type { SourceDocument } from './retriever.ts';
import { splitMarkdownSections } from './split-markdown-sections.ts';

export interface DocumentChunk {
  /** Position of the chunk in its document, from 0. */
  index: number;
  text: string;
  /** Heading path, outermost first; starts with the document title when the text has no such heading. */
  headings: string[];
  /** sha256 (hex) of everything a hit shows: source, title, headings and text. */
  hash: string;
}

export interface ChunkOptions {
  /** Largest chunk in characters (default 800). */
  chunkSize?: number;
  /** Characters repeated between consecutive chunks of one long section (default 100). */
  chunkOverlap?: number;
}

/**
 * Split a document into chunks that respect its Markdown headings: first one section per
 * heading, then a recursive character split inside sections longer than `chunkSize`. Every
 * chunk carries its heading path and a content hash, which is what lets the index skip
 * unchanged chunks on re-ingestion. Plain text is one section.
 * @example const chunks = await chunkDocument({ id: 'refund-policy', text, source: 'refund-policy.md' });
 */
export async function chunkDocument(document: SourceDocument, options: ChunkOptions = {}): Promise<DocumentChunk[]> {
  const splitter = new RecursiveCharacterTextSplitter({
    chunkSize: options.chunkSize ?? 800,
    chunkOverlap: options.chunkOverlap ?? 100,
    separators: ['\n\n', '\n', '. ', ' ', ''],
  });
  const chunks: DocumentChunk[] = [];
  for (const section of splitMarkdownSections(document.text)) {
    const headings = withTitle(section.headings, document.title);
    for (const piece of await splitter.splitText(section.text)) {
      const text = piece.trim();
      if (text === '') continue;
      chunks.push({ index: chunks.length, text, headings, hash: hashChunk(document, headings, text) });
    }
  }
  return chunks;
}

function withTitle(headings: string[], title: string | undefined): string[] {
  if (title === undefined || title === '' || headings[0] === title) return headings;
  return [title, ...headings];
}

function hashChunk(document: SourceDocument, headings: string[], text: string): string {
  return createHash('sha256')
    .update(JSON.stringify([document.source, document.title ?? null, headings, text]))
    .digest('hex');
}
