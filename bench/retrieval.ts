/**
 * Embedded retrieval: ingestion throughput (chunks/s) and query latency p50/p99 at 1k, 10k
 * and 100k chunks, keyword and hybrid (hashing embedder), on one SQLite file that grows
 * from one size to the next.
 *
 *   npm run bench:retrieval            (or: npm exec -- node --import tsx bench/retrieval.ts)
 *   BENCH_SIZES=1000,10000 npm run bench:retrieval
 *
 * Synthetic documents are built from the sentences of the sample knowledge base with product
 * names, numbers and places swapped in, so vocabulary and term frequencies look like a shop's
 * help centre; queries are customer questions over the same vocabulary. Targets: 100k-chunk
 * hybrid query p50 under 20 ms; offline ingestion at least 2,000 chunks/s. "dense recall@10" is
 * the share of the exact (brute-force) top 10 that the default dense search returns; above
 * 20,000 chunks a tenant is searched through SimHash signatures, below that exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { faker } from '@faker-js/faker';
import { HashingEmbedder } from '../src/retrieval/hashing-embedder.ts';
import { readDirectory } from '../src/retrieval/ingest-directory.ts';
import type { SearchMode, SourceDocument } from '../src/retrieval/retriever.ts';
import { createSqliteRetriever } from '../src/retrieval/sqlite-retriever.ts';
import { openDatabase } from '../src/storage/index.ts';

const sizes = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const queriesPerSize = 300;
const sectionsPerDocument = 5;
const tenantId = 'bench';

faker.seed(42);
const knowledgeBase = await readDirectory(new URL('../data/knowledge-base', import.meta.url).pathname);
const sentences = knowledgeBase
  .flatMap((document) => document.text.split('\n'))
  .filter((line) => line.length > 40 && !line.startsWith('#') && !line.startsWith('|'))
  .flatMap((line) => line.split(/(?<=\.)\s+/))
  .filter((sentence) => sentence.length > 30);
const headings = knowledgeBase.flatMap((document) => document.text.split('\n').filter((line) => line.startsWith('## ')).map((line) => line.slice(3)));

function section(): string {
  const count = faker.number.int({ min: 3, max: 6 });
  const lines = Array.from({ length: count }, () => {
    const sentence = faker.helpers.arrayElement(sentences);
    // Swap in products, prices and places so chunks differ while the vocabulary stays a shop's.
    return sentence
      .replace(/\b(kettle|lamp|laptop|chair|item|product|order)\b/, () => faker.commerce.product().toLowerCase())
      .replace(/\$\d[\d,.]*/, () => `$${faker.commerce.price()}`)
      .replace(/\b(Canada|Mexico|Japan|Australia)\b/, () => faker.location.country());
  });
  return lines.join(' ').slice(0, 760);
}

let nextDocument = 0;
function documents(chunks: number): SourceDocument[] {
  return Array.from({ length: Math.ceil(chunks / sectionsPerDocument) }, () => {
    const id = `doc-${nextDocument++}`;
    const title = `${faker.commerce.productName()} ${faker.helpers.arrayElement(['care guide', 'policy', 'FAQ', 'manual', 'notes'])}`;
    const body = Array.from({ length: sectionsPerDocument }, () => `## ${faker.helpers.arrayElement(headings)}\n\n${section()}`).join('\n\n');
    return { id, title, source: `synthetic/${id}.md`, text: `# ${title}\n\n${body}` };
  });
}

const questionStarts = ['how long does', 'can I', 'what happens if my', 'do you', 'why was my', 'where is my', 'is there a fee for', 'who approves'];
function query(): string {
  const words = faker.helpers.arrayElement(sentences).toLowerCase().match(/[a-z]{4,}/g) ?? ['refund'];
  return `${faker.helpers.arrayElement(questionStarts)} ${faker.helpers.arrayElements(words, { min: 2, max: 4 }).join(' ')} ${faker.commerce.product().toLowerCase()}`;
}

function percentile(durations: number[], fraction: number): number {
  const sorted = [...durations].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

const directory = mkdtempSync(join(tmpdir(), 'overseer-bench-retrieval-'));
const database = openDatabase(join(directory, 'bench.db'));
const retriever = createSqliteRetriever({ database, embeddings: new HashingEmbedder() });
// Always the brute-force sqlite-vec scan: the reference for the recall of the default search.
const exact = createSqliteRetriever({ database, embeddings: new HashingEmbedder(), exactDenseSearchUpTo: Number.POSITIVE_INFINITY });
const rows: Array<Record<string, string | number>> = [];
const started = performance.now();
try {
  // A second tenant with a tenth of the data, so the tenant filter has something to exclude.
  await retriever.upsertDocuments('other-tenant', documents(Math.max(...sizes) / 10));
  let indexed = 0;
  for (const size of sizes) {
    const batch = documents(size - indexed);
    const ingestStart = performance.now();
    let written = 0;
    for (let start = 0; start < batch.length; start += 200) {
      written += (await retriever.upsertDocuments(tenantId, batch.slice(start, start + 200))).chunks.written;
    }
    const ingestSeconds = (performance.now() - ingestStart) / 1000;
    indexed = size;
    const row: Record<string, string | number> = { chunks: size, 'ingest chunks/s (hybrid)': Math.round(written / ingestSeconds) };
    const queries = Array.from({ length: queriesPerSize }, query);
    for (const mode of ['keyword', 'hybrid'] as SearchMode[]) {
      for (const text of queries.slice(0, 20)) await retriever.search({ tenantId, query: text, mode, limit: 5 });
      const durations: number[] = [];
      for (const text of queries) {
        const begin = performance.now();
        await retriever.search({ tenantId, query: text, mode, limit: 5 });
        durations.push(performance.now() - begin);
      }
      row[`${mode} p50 ms`] = Number(percentile(durations, 0.5).toFixed(2));
      row[`${mode} p99 ms`] = Number(percentile(durations, 0.99).toFixed(2));
    }
    let found = 0;
    let expected = 0;
    for (const text of queries.slice(0, 100)) {
      const truth = await exact.search({ tenantId, query: text, mode: 'dense', limit: 10 });
      const returned = new Set((await retriever.search({ tenantId, query: text, mode: 'dense', limit: 10 })).map((hit) => hit.chunkId));
      expected += truth.length;
      found += truth.filter((hit) => returned.has(hit.chunkId)).length;
    }
    row['dense recall@10'] = Number((found / Math.max(1, expected)).toFixed(3));
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  console.table(rows);
  console.log(`Total ${((performance.now() - started) / 1000).toFixed(1)} s; sample query: "${query()}"`);
} finally {
  await retriever.close();
  await exact.close();
  database.close();
  rmSync(directory, { recursive: true, force: true });
}
