import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.ts';
import { ingestDirectory, readDirectory } from './ingest-directory.ts';
import type { Retriever } from './retriever.ts';
import { createSqliteRetriever } from './sqlite-retriever.ts';

describe('ingestDirectory', () => {
  let directory: string;
  let retriever: Retriever;

  const write = (relativePath: string, content: string) => {
    mkdirSync(path.dirname(path.join(directory, relativePath)), { recursive: true });
    writeFileSync(path.join(directory, relativePath), content);
  };

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'overseer-ingest-'));
    retriever = createSqliteRetriever({ database: openDatabase(':memory:'), ownsDatabase: true });
    write('refunds.md', '---\ntitle: Refunds\nrevision: 2\n---\n# Refund rules\n\nRefunds within 30 days.');
    write('faq/shipping.txt', 'Standard shipping takes 7 calendar days.');
    write('help.html', '<title>Help</title><h1>Help centre</h1><p>Chat with us any time.</p>');
    write('extra.jsonl', '{"id":"gift-cards","text":"Gift cards never expire.","title":"Gift cards","metadata":{"lang":"en","nested":{}}}\n\n{"id":"cookies","text":"Cookie settings.","source":"https://example.com/cookies"}\n');
    write('.hidden/secret.md', '# Secret');
    write('notes.pdf', 'not read');
  });

  afterEach(async () => {
    await retriever.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('reads Markdown, text, HTML and JSON lines into documents named after their files', async () => {
    expect(await readDirectory(directory)).toEqual([
      { id: 'gift-cards', text: 'Gift cards never expire.', source: 'extra.jsonl', title: 'Gift cards', metadata: { lang: 'en' } },
      { id: 'cookies', text: 'Cookie settings.', source: 'https://example.com/cookies' },
      { id: 'faq/shipping', text: 'Standard shipping takes 7 calendar days.', source: 'faq/shipping.txt' },
      { id: 'help', text: '# Help centre\n\nChat with us any time.', source: 'help.html', title: 'Help' },
      { id: 'refunds', text: '# Refund rules\n\nRefunds within 30 days.', source: 'refunds.md', title: 'Refunds', metadata: { revision: 2 } },
    ]);
  });

  it('adds everything once, then reports it unchanged', async () => {
    const progress: number[] = [];
    const first = await ingestDirectory(retriever, directory, { tenantId: 't', batchSize: 2, onProgress: ({ done }) => progress.push(done) });
    expect(first).toMatchObject({ added: 5, updated: 0, unchanged: 0, deleted: 0 });
    expect(progress).toEqual([2, 4, 5]);
    expect(await ingestDirectory(retriever, directory, { tenantId: 't' })).toMatchObject({ added: 0, unchanged: 5, chunks: { written: 0 } });
    const [hit] = await retriever.search({ tenantId: 't', query: 'help centre chat' });
    expect(hit).toMatchObject({ documentId: 'help', headings: ['Help', 'Help centre'] });
  });

  it('removes documents whose files are gone only when asked to prune', async () => {
    await ingestDirectory(retriever, directory, { tenantId: 't' });
    rmSync(path.join(directory, 'help.html'));
    write('refunds.md', '# Refund rules\n\nRefunds within 30 days of delivery.');
    expect(await ingestDirectory(retriever, directory, { tenantId: 't' })).toMatchObject({ updated: 1, unchanged: 3, deleted: 0 });
    expect(await retriever.listDocumentIds('t')).toContain('help');
    expect(await ingestDirectory(retriever, directory, { tenantId: 't', prune: true })).toMatchObject({ unchanged: 4, deleted: 1 });
    expect(await retriever.listDocumentIds('t')).toEqual(['cookies', 'faq/shipping', 'gift-cards', 'refunds']);
  });

  it('refuses duplicate ids, broken JSON lines and a missing directory', async () => {
    write('refunds.txt', 'Another refunds document.');
    await expect(readDirectory(directory)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    rmSync(path.join(directory, 'refunds.txt'));
    write('broken.jsonl', '{"id": "x"}\nnot json\n');
    await expect(readDirectory(directory)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: ['broken.jsonl:1 needs a string "id" and "text"', 'broken.jsonl:2 is not valid JSON'],
    });
    await expect(readDirectory(path.join(directory, 'missing'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
