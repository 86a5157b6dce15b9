import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.ts';
import { htmlToMarkdown } from './html-to-markdown.ts';
import { parseFrontMatter } from './parse-front-matter.ts';
import type { SourceDocument } from './retriever.ts';

/** File extensions `readSourceFile` understands. */
export const sourceFileExtensions = ['.md', '.markdown', '.txt', '.html', '.htm', '.jsonl'] as const;

/**
 * Turn one file into documents. `relativePath` (with `/` separators) becomes the source, and,
 * without its extension, the document id: `refund-policy.md` → `refund-policy`.
 * - `.md`, `.txt`: optional `---` front matter (its `title` and other keys become title and metadata),
 *   otherwise the title is the first `# ` heading.
 * - `.html`: tags stripped, headings kept as `#` lines; title from `<title>` or the first heading.
 * - `.jsonl`: one document per line, `{ "id", "text", "title"?, "source"?, "metadata"? }`.
 */
export async function readSourceFile(file: string, relativePath: string): Promise<SourceDocument[]> {
  const content = await readFile(file, 'utf8');
  const extension = path.extname(relativePath).toLowerCase();
  const id = relativePath.slice(0, relativePath.length - extension.length);
  if (extension === '.jsonl') return parseJsonLines(content, relativePath);
  if (extension === '.html' || extension === '.htm') {
    const { markdown, title } = htmlToMarkdown(content);
    return [withOptionalTitle({ id, text: markdown, source: relativePath }, title ?? firstHeading(markdown))];
  }
  const { attributes, body } = parseFrontMatter(content);
  const { title, ...metadata } = attributes;
  const document: SourceDocument = { id, text: body, source: relativePath };
  if (Object.keys(metadata).length > 0) document.metadata = metadata;
  return [withOptionalTitle(document, title === undefined ? firstHeading(body) : String(title))];
}

function parseJsonLines(content: string, relativePath: string): SourceDocument[] {
  const documents: SourceDocument[] = [];
  const issues: string[] = [];
  content.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      issues.push(`${relativePath}:${index + 1} is not valid JSON`);
      return;
    }
    const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    if (typeof record.id !== 'string' || record.id === '' || typeof record.text !== 'string') {
      issues.push(`${relativePath}:${index + 1} needs a string "id" and "text"`);
      return;
    }
    const document: SourceDocument = {
      id: record.id,
      text: record.text,
      source: typeof record.source === 'string' && record.source !== '' ? record.source : relativePath,
    };
    const metadata = primitiveEntries(record.metadata);
    if (metadata !== undefined) document.metadata = metadata;
    documents.push(withOptionalTitle(document, typeof record.title === 'string' ? record.title : undefined));
  });
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', `Invalid lines in ${relativePath}`, { details: issues });
  return documents;
}

function primitiveEntries(value: unknown): Record<string, string | number | boolean> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = Object.entries(value).filter(
    (entry): entry is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof entry[1]),
  );
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

function firstHeading(markdown: string): string | undefined {
  return /^#[ \t]+(.+?)[ \t]*#*[ \t]*$/m.exec(markdown)?.[1];
}

function withOptionalTitle(document: SourceDocument, title: string | undefined): SourceDocument {
  return title === undefined || title.trim() === '' ? document : { ...document, title: title.trim() };
}
