import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../config.ts';
import { createEmbeddings, createQdrantRetriever, createSqliteRetriever, ingestDocuments, readSources, sharedCorpusId } from '../retrieval/index.ts';
import type { Retriever } from '../retrieval/index.ts';
import { openDatabase } from '../storage/index.ts';
import { runCommand } from './run-command.ts';

const usage = `Usage: npm run ingest -- <path|glob>... [--tenant t | --shared] [--prune] [--database path] [--collection name]

Ingest Markdown, text, HTML and JSON-lines files into the retrieval index: Qdrant when
QDRANT_URL is set, otherwise the embedded SQLite database (SQLITE_PATH, or --database).
Documents go to one tenant (--tenant, default "default"), or with --shared to the shared
corpus that every tenant searches beside its own documents. Unchanged documents are not
rewritten. --prune deletes the target's documents that are not among the files read.
Quote globs so the shell leaves them alone: 'docs/**/*.md'.`;

await runCommand(usage, async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      shared: { type: 'boolean', default: false },
      prune: { type: 'boolean', default: false },
      database: { type: 'string' },
      collection: { type: 'string', default: 'overseer_chunks' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || positionals.length === 0) return usage;
  if (values.shared && values.tenant !== undefined) return `--tenant and --shared exclude each other\n\n${usage}`;
  if (values.tenant === sharedCorpusId) return `"${sharedCorpusId}" is not a tenant: use --shared\n\n${usage}`;
  const tenantId = values.shared ? sharedCorpusId : (values.tenant ?? 'default');
  const config = loadConfig();
  const documents = (await Promise.all(positionals.map((pattern) => readSources(pattern)))).flat();
  const embeddings = createEmbeddings({ model: config.models.embeddingModel, apiKey: config.models.apiKey, baseUrl: config.models.baseUrl });
  const retriever: Retriever = config.qdrant
    ? createQdrantRetriever({ url: config.qdrant.url, apiKey: config.qdrant.apiKey, collection: values.collection, embeddings })
    : createSqliteRetriever({ database: openDatabase(values.database ?? config.sqlitePath), embeddings, ownsDatabase: true });
  const target = config.qdrant ? `Qdrant ${config.qdrant.url} (${values.collection})` : `SQLite ${values.database ?? config.sqlitePath}`;
  const into = values.shared ? 'the shared corpus (every tenant reads it)' : `tenant "${tenantId}"`;
  console.log(`Ingesting ${documents.length} documents into ${target}, ${into}${embeddings ? '' : ' (no embedding model: BM25 only)'}`);
  const bar = new SingleBar({ format: ' {bar} {value}/{total} documents | {eta_formatted} left', hideCursor: true }, Presets.shades_classic);
  bar.start(documents.length, 0);
  try {
    const report = await ingestDocuments(retriever, documents, { tenantId, prune: values.prune, onProgress: ({ done }) => bar.update(done) });
    bar.stop();
    console.log(
      `added ${report.added}, updated ${report.updated}, unchanged ${report.unchanged}, deleted ${report.deleted}` +
        ` (chunks: ${report.chunks.written} written, ${report.chunks.unchanged} unchanged, ${report.chunks.deleted} deleted)`,
    );
  } finally {
    bar.stop();
    await retriever.close();
  }
  return undefined;
});
