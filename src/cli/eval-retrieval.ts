import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { defaultMinScore, searchTaskAndRequest } from '../graphs/index.ts';
import { createSqliteRetriever, evaluateRetrieval, HashingEmbedder, ingestDirectory, parseLabelledQueries, type LabelledQuery } from '../retrieval/index.ts';
import { openDatabase } from '../storage/index.ts';
import { instructionTemplates, wrapQuery } from './instruction-templates.ts';
import { runCommand } from './run-command.ts';

const usage = `Usage: npm run eval:retrieval -- --docs <dir> --queries <file.jsonl> [--mode keyword|hybrid|both]

Ingests <dir> into a fresh in-memory SQLite index and prints recall@1, recall@10, MRR@10 and
nDCG@10 as JSON, and "covered": the share of queries whose best hit reaches the retriever's
score threshold (below it the retriever specialist says the knowledge base does not cover it). hybrid uses the hashing embedder (offline, lexical; not a semantic model).
Each mode is measured three ways: the raw queries; the queries reworded as a router model does
(wrapped in ${instructionTemplates.length} instruction templates) and searched alone; and reworded, searched beside the
customer's raw words as the retriever specialist does (the task without its instruction words,
reciprocal rank fusion weighted by each ranking's best score).`;

await runCommand(usage, async () => {
  const { values } = parseArgs({
    options: { docs: { type: 'string' }, queries: { type: 'string' }, mode: { type: 'string', default: 'both' }, help: { type: 'boolean' } },
  });
  if (values.help || values.docs === undefined || values.queries === undefined) return usage;
  const modes = values.mode === 'both' ? (['keyword', 'hybrid'] as const) : values.mode === 'keyword' || values.mode === 'hybrid' ? ([values.mode] as const) : undefined;
  if (modes === undefined) return usage;
  const queries = parseLabelledQueries(await readFile(values.queries, 'utf8'), values.queries);
  // Every query in every template; the raw words are kept beside each, as the customer's request.
  const requestOf = new Map<string, string>();
  const reworded: LabelledQuery[] = instructionTemplates.flatMap((template) =>
    queries.map(({ query, relevant }) => {
      const wrapped = wrapQuery(template, query);
      requestOf.set(wrapped, query);
      return { query: wrapped, relevant };
    }),
  );
  const results = [];
  for (const mode of modes) {
    const retriever = createSqliteRetriever({
      database: openDatabase(':memory:'),
      embeddings: mode === 'hybrid' ? new HashingEmbedder() : undefined,
      ownsDatabase: true,
    });
    await ingestDirectory(retriever, values.docs, { tenantId: 'eval' });
    const tenantId = 'eval';
    // `covered`: the share the retriever specialist would answer rather than call not covered.
    const minScore = defaultMinScore;
    results.push({ variant: 'raw', ...(await evaluateRetrieval(retriever, { tenantId, mode, queries, minScore })) });
    results.push({ variant: 'reworded, task alone', ...(await evaluateRetrieval(retriever, { tenantId, mode, queries: reworded, minScore })) });
    results.push({
      variant: 'reworded, task and request',
      ...(await evaluateRetrieval(retriever, {
        tenantId,
        mode,
        queries: reworded,
        minScore,
        search: (task) => searchTaskAndRequest(retriever, { tenantId, task, request: requestOf.get(task), limit: 100, mode }),
      })),
    });
    await retriever.close();
  }
  console.log(JSON.stringify(results, null, 2));
  return undefined;
});
