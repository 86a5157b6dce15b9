import { glob, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.ts';
import { assertUniqueIds, readDirectory } from './ingest-directory.ts';
import { readSourceFile, sourceFileExtensions } from './read-source-file.ts';
import type { SourceDocument } from './retriever.ts';

const globCharacters = /[*?[\]{}]/;

/**
 * Read the documents named by a directory, a file or a glob. Ids are paths relative to the
 * directory, the file's own directory, or the glob's fixed leading part, without extension, so
 * `data/kb`, `data/kb/*.md` and `data/kb/refund-policy.md` all give the id `refund-policy`.
 * Unsupported extensions and hidden files are skipped; duplicate ids are refused.
 * @example const documents = await readSources('data/knowledge-base/**\/*.md');
 */
export async function readSources(pattern: string, cwd = process.cwd()): Promise<SourceDocument[]> {
  if (globCharacters.test(pattern)) {
    const segments = pattern.split(/[\\/]/);
    const fixed = segments.findIndex((segment) => globCharacters.test(segment));
    const base = path.resolve(cwd, segments.slice(0, fixed).join('/') || '.');
    const files: string[] = [];
    for await (const file of glob(pattern, { cwd })) files.push(path.resolve(cwd, file));
    const relative = files
      .map((file) => path.relative(base, file).split(path.sep).join('/'))
      .filter((file) => (sourceFileExtensions as readonly string[]).includes(path.extname(file).toLowerCase()))
      .filter((file) => !file.split('/').some((part) => part.startsWith('.')))
      .sort();
    if (relative.length === 0) throw new AppError('NOT_FOUND', `No supported files match ${pattern}`);
    const documents = (await Promise.all(relative.map((file) => readSourceFile(path.join(base, file), file)))).flat();
    assertUniqueIds(documents);
    return documents;
  }
  const target = path.resolve(cwd, pattern);
  const found = await stat(target).catch(() => undefined);
  if (found === undefined) throw new AppError('NOT_FOUND', `No such file or directory: ${pattern}`);
  if (found.isDirectory()) return readDirectory(target);
  if (!(sourceFileExtensions as readonly string[]).includes(path.extname(target).toLowerCase())) {
    throw new AppError('BAD_REQUEST', `Unsupported file type: ${pattern} (supported: ${sourceFileExtensions.join(', ')})`);
  }
  return readSourceFile(target, path.basename(target));
}

/**
 * Resolve a client-supplied relative path inside `root`, refusing anything that would leave
 * it: absolute paths, `..` segments that climb out, and symbolic links that point outside
 * (both sides are resolved with `realpath` before comparing). Globs are refused too.
 * @example await resolveInside('/srv/kb', 'policies/refunds.md') // '/srv/kb/policies/refunds.md'
 */
export async function resolveInside(root: string, requested: string): Promise<string> {
  if (requested === '' || path.isAbsolute(requested) || requested.includes('\0') || globCharacters.test(requested)) {
    throw new AppError('BAD_REQUEST', 'The path must be relative to the ingestion directory, without wildcards');
  }
  const realRoot = await realpath(root).catch(() => {
    throw new AppError('NOT_FOUND', 'The ingestion directory does not exist');
  });
  const candidate = path.resolve(realRoot, requested);
  if (!isInside(realRoot, candidate)) throw new AppError('FORBIDDEN', 'The path leaves the ingestion directory');
  const real = await realpath(candidate).catch(() => {
    throw new AppError('NOT_FOUND', `No such file or directory: ${requested}`);
  });
  if (!isInside(realRoot, real)) throw new AppError('FORBIDDEN', 'The path leaves the ingestion directory');
  return real;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}
