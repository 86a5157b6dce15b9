import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createSqliteRetriever, evaluateRetrieval, HashingEmbedder, ingestDirectory, parseLabelledQueries } from '../retrieval/index.ts';
import { openDatabase } from '../storage/index.ts';
import { runCommand } from './run-command.ts';

const usage = `Usage: npm run eval:retrieval -- --docs <dir> --queries <file.jsonl> [--mode keyword|hybrid|both]

Ingests <dir> into a fresh in-memory SQLite index and prints recall@1, recall@10, MRR@10 and
nDCG@10 as JSON. hybrid uses the hashing embedder (offline, lexical; not a semantic model).`;

await runCommand(usage, async () => {
  const { values } = parseArgs({
    options: { docs: { type: 'string' }, queries: { type: 'string' }, mode: { type: 'string', default: 'both' }, help: { type: 'boolean' } },
  });
  if (values.help || values.docs === undefined || values.queries === undefined) return usage;
  const modes = values.mode === 'both' ? (['keyword', 'hybrid'] as const) : values.mode === 'keyword' || values.mode === 'hybrid' ? ([values.mode] as const) : undefined;
  if (modes === undefined) return usage;
  const queries = parseLabelledQueries(await readFile(values.queries, 'utf8'), values.queries);
  const results = [];
  for (const mode of modes) {
    const retriever = createSqliteRetriever({
      database: openDatabase(':memory:'),
      embeddings: mode === 'hybrid' ? new HashingEmbedder() : undefined,
      ownsDatabase: true,
    });
    await ingestDirectory(retriever, values.docs, { tenantId: 'eval' });
    results.push(await evaluateRetrieval(retriever, { tenantId: 'eval', mode, queries }));
    await retriever.close();
  }
  console.log(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
  return undefined;
});
